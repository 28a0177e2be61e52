package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Every Quire process on a PostgreSQL schema holds a session advisory lock on it, on a connection of
 * its own: shared by default (several processes may share the schema), exclusive with {@link
 * DatabaseConfig#exclusive()} (the document view then remembers the rows it committed, which another
 * process's writes would make stale). So an exclusive process cannot start beside others, nor others
 * beside it. PostgreSQL drops the lock with the session: a crashed process frees the schema.
 */
final class PostgresOwnership implements DatabaseClaim {

  private final Connection connection;

  private PostgresOwnership(Connection connection) {
    this.connection = connection;
  }

  /** @throws StorageException when the lock is held in the other mode, or the database is unreachable */
  static PostgresOwnership claim(DatabaseUrl url, String schema, boolean exclusive) {
    String key = "quire.processes." + (schema == null ? "public" : schema);
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    properties.setProperty("ApplicationName", "quire-claim");
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    } catch (SQLException e) {
      throw new StorageException("Cannot open " + url.redacted() + ": " + e.getMessage(), e);
    }
    String function = exclusive ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared";
    try (PreparedStatement ps = connection.prepareStatement("SELECT " + function + "(hashtextextended(?, 0))")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getBoolean(1)) {
          return new PostgresOwnership(connection);
        }
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StorageException("Cannot lock schema " + key + " at " + url.redacted() + ": " + e.getMessage(), e);
    }
    closeQuietly(connection);
    String schemaName = schema == null ? "public" : schema;
    throw new StorageException(exclusive
        ? "Schema " + schemaName + " at " + url.redacted() + " is in use by another Quire process; an exclusive"
            + " process needs it alone (stop the others, or open it shared)"
        : "Schema " + schemaName + " at " + url.redacted() + " is held exclusively by another Quire process; stop"
            + " it, or restart it shared, to open the schema from several processes", null);
  }

  @Override
  public void close() {
    closeQuietly(connection); // ends the session, and with it the lock
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The session is gone either way.
    }
  }
}
