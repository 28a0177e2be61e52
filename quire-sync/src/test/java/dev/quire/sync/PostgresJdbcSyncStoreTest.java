package dev.quire.sync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on PostgreSQL, each test in its own schema. Skipped when no server is reachable,
 * failed instead with {@code -Dquire.requirePostgres=true}. (quire-jdbc's PostgresAvailable is in
 * its test sources, which it does not publish as a test-jar; this mirrors its URL settings.)
 */
class PostgresJdbcSyncStoreTest extends JdbcSyncStoreContract {

  private static final List<String> schemas = new ArrayList<>();

  static String serverUrl() {
    String url = System.getProperty("quire.postgresUrl");
    if (url == null || url.isBlank()) {
      url = System.getenv("QUIRE_POSTGRES_URL");
    }
    return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
  }

  @BeforeAll
  static void reachable() {
    try (Connection c = connect()) {
      c.isValid(3);
    } catch (SQLException e) {
      String message = "PostgreSQL not reachable at " + serverUrl() + " (" + e.getMessage() + ")";
      if (Boolean.getBoolean("quire.requirePostgres")) {
        Assertions.fail(message);
      }
      Assumptions.abort(message + "; skipping");
    }
  }

  @AfterAll
  static void dropSchemas() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Override
  String url() {
    String schema = "quire_sync_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    schemas.add(schema);
    String base = serverUrl();
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("loginTimeout", "3");
    return DriverManager.getConnection(serverUrl(), properties);
  }
}
