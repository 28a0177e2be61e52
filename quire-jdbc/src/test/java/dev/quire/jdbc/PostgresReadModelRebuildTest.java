package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReadModelRebuildTest extends ReadModelRebuildContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  @Override
  protected QuireDatabase openDatabase() {
    QuireDatabase database = QuireDatabase.open(postgres.url());
    Databases.clear(database);
    return database;
  }

  @Override
  protected List<String> indexNames(Connection c, String table) throws Exception {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname")) {
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
    return 2;
  }
}
