package dev.quire.verify.target;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL chores of a run: tag the Quire process's connections with an application name unique
 * to the run, terminate exactly those (never anyone else's), and drop the run's own schema.
 */
final class PostgresBackends {

  private static final Logger log = LoggerFactory.getLogger(PostgresBackends.class);

  private final String url;
  private final String applicationName;

  PostgresBackends(String url) {
    this.url = url;
    this.applicationName = "quire-verify-" + Long.toHexString(System.nanoTime());
  }

  /** The URL Quire should use: the run's URL with the run's application name. */
  String taggedUrl() {
    return url.contains("ApplicationName=") ? url
        : url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName;
  }

  String applicationName() {
    return applicationName;
  }

  /** Terminates every backend whose application name is this run's; returns how many. */
  int terminate() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl());
        PreparedStatement statement = connection.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      statement.setString(1, applicationName);
      int terminated = 0;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          terminated++;
        }
      }
      return terminated;
    } catch (SQLException e) {
      log.warn("Could not terminate the run's connections: {}", e.toString());
      return 0;
    }
  }

  /** Drops the run's schema ({@code currentSchema=verify_...} in the URL); other schemas are left alone. */
  void dropSchema() {
    int at = url.indexOf("currentSchema=");
    if (at < 0) {
      return;
    }
    String schema = url.substring(at + "currentSchema=".length()).split("&")[0];
    if (!schema.matches("verify_[a-z0-9_]+")) {
      return; // only schemas this harness made up
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl()); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      log.warn("Could not drop schema {}: {}", schema, e.toString());
    }
  }

  private String jdbcUrl() {
    String jdbc = url.startsWith("jdbc:") ? url : "jdbc:" + url;
    return jdbc.replace("jdbc:postgres://", "jdbc:postgresql://");
  }
}
