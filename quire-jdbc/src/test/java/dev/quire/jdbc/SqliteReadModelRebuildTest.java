package dev.quire.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

class SqliteReadModelRebuildTest extends ReadModelRebuildContract {

  @TempDir Path dir;

  @Override
  protected QuireDatabase openDatabase() {
    return QuireDatabase.open(Databases.sqliteUrl(dir));
  }

  @Override
  protected List<String> indexNames(Connection c, String table) throws Exception {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  @Override
  protected int rebuildsAtOnce() {
    return 1;
  }
}
