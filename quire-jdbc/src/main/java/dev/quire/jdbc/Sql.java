package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Small JDBC helpers shared by the stores and read models. */
final class Sql {

  private static final int SQLITE_CONSTRAINT = 19;

  private Sql() {}

  /** Whether {@code e} (or an exception chained to it) is a unique-key violation. */
  static boolean isUniqueViolation(SQLException e) {
    for (SQLException current = e; current != null; current = current.getNextException()) {
      if ("23505".equals(current.getSQLState())) {
        return true;
      }
      String message = current.getMessage();
      if ((current.getErrorCode() == SQLITE_CONSTRAINT || current.getClass().getName().startsWith("org.sqlite"))
          && message != null
          && (message.contains("UNIQUE") || message.contains("PRIMARYKEY"))) {
        return true;
      }
    }
    return false;
  }

  /** Rolls back, adding any failure to {@code cause} instead of hiding it. */
  static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
  }
}
