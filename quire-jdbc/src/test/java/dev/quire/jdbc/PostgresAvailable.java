package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Gives a test class its own PostgreSQL schema ({@code quire_test_<random>}), dropped after the
 * class. When the server cannot be reached the class is skipped with a clear message, or fails
 * when {@code -Dquire.requirePostgres=true} (CI), so a missing database never passes silently.
 *
 * <p>Register as {@code @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();}.
 * The server defaults to {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; override it
 * with {@code -Dquire.postgresUrl=...} or the {@code QUIRE_POSTGRES_URL} environment variable.
 */
public final class PostgresAvailable implements BeforeAllCallback, AfterAllCallback {

  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private String schema;
  // Extensions of a class also run for its @Nested classes; only the outermost one owns the schema.
  private Class<?> owner;

  /** The server URL without a schema. */
  public static String serverUrl() {
    String url = System.getProperty("quire.postgresUrl");
    if (url == null || url.isBlank()) {
      url = System.getenv("QUIRE_POSTGRES_URL");
    }
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (schema != null) {
      return;
    }
    String url = serverUrl();
    SQLException unreachable = null;
    try (Connection c = connect(url)) {
      String name = "quire_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + name);
      }
      schema = name;
      owner = context.getRequiredTestClass();
    } catch (SQLException e) {
      unreachable = e;
    }
    if (unreachable != null) {
      String message = "PostgreSQL not reachable at " + url + " (" + unreachable.getMessage() + ")";
      if (Boolean.getBoolean("quire.requirePostgres")) {
        Assertions.fail(message + "; quire.requirePostgres=true requires it");
      }
      LoggerFactory.getLogger(PostgresAvailable.class).warn("{}; skipping {}", message, context.getDisplayName());
      Assumptions.abort(message + "; skipping");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (schema == null || context.getRequiredTestClass() != owner) {
      return;
    }
    try (Connection c = connect(serverUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    schema = null;
    owner = null;
  }

  /** This class's schema. */
  public String schema() {
    if (schema == null) {
      throw new IllegalStateException("PostgresAvailable has not run beforeAll");
    }
    return schema;
  }

  /** A URL that puts Quire's tables into this class's schema. */
  public String url() {
    String base = serverUrl();
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema();
  }

  /** A plain connection (no pool) into this class's schema, for test set-up and inspection. */
  public Connection connection() throws SQLException {
    return connect(url());
  }

  private static Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("loginTimeout", "3");
    return DriverManager.getConnection(url, properties);
  }
}
