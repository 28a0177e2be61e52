package dev.quire.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for opening and emptying Quire databases. */
final class Databases {

  private Databases() {}

  static String sqliteUrl(Path dir) {
    return "sqlite:" + dir.resolve("quire.db");
  }

  /** Deletes every row of every Quire table (the migration history stays). */
  static void clear(QuireDatabase database) {
    try (Connection c = database.dataSource().getConnection()) {
      List<String> tables = new ArrayList<>();
      String query = database.dialect() == Dialect.SQLITE
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'quire%'"
          : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
              + " AND table_name LIKE 'quire%' AND table_type = 'BASE TABLE'";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(query)) {
        while (rs.next()) {
          if (!rs.getString(1).equals("quire_schema_history")) {
            tables.add(rs.getString(1));
          }
        }
      }
      try (Statement s = c.createStatement()) {
        if (database.dialect() == Dialect.POSTGRESQL) {
          if (!tables.isEmpty()) {
            s.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
          }
        } else {
          for (String table : tables) {
            s.execute("DELETE FROM " + table);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot clear " + database.description(), e);
    }
  }
}
