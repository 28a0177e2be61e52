package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.quire.jdbc.Durability;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.http.Tokens;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --database postgresql://…}: the server on PostgreSQL, in a schema of its own. Skipped when
 * no server is reachable, unless {@code -Dquire.requirePostgres=true} (CI), where it fails instead.
 * The server is {@code 127.0.0.1:5432/test} as {@code postgres}, or {@code QUIRE_POSTGRES_URL}.
 */
@Timeout(60)
class QuireServerPostgresTest {

  private String serverUrl;
  private String schema;

  @BeforeEach
  void schema() throws SQLException {
    String configured = System.getenv("QUIRE_POSTGRES_URL");
    serverUrl = configured != null && !configured.isBlank() ? configured : "postgresql://127.0.0.1:5432/test?user=postgres";
    schema = "quire_server_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (Connection c = connect()) {
      // the server creates the schema itself; this only proves the database is there
      assertThat(c.isValid(5)).isTrue();
    } catch (SQLException e) {
      if (Boolean.getBoolean("quire.requirePostgres")) {
        throw e;
      }
      Assumptions.abort("PostgreSQL not reachable at " + serverUrl + ": " + e.getMessage());
    }
  }

  @AfterEach
  void drop() throws SQLException {
    if (schema != null) {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException ignored) {
        // unreachable: nothing was created
      }
    }
  }

  @Test
  void serve_onPostgres_writesReadsAndSurvivesARestart() {
    String url = serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    ServerConfig config = TestServer.config().withStorage(new ServerConfig.Storage(url, ServerConfig.Storage.DEFAULT_DATA_DIR, List.of()));
    try (QuireServer server = QuireServer.start(config)) {
      assertThat(server.storageDescription()).contains("postgresql").doesNotContain("password");
      ApiClient client = new ApiClient(server.url());
      client.createJson("pg-1");
      assertThat(client.set("pg-1", "/where", TextNode.valueOf("postgres"), "?wait=true").status()).isEqualTo(200);
    }
    try (QuireServer restarted = QuireServer.start(config)) {
      ApiResponse read = new ApiClient(restarted.url()).get("/v1/documents/pg-1");
      assertThat(read.json().at("/state/global/where").asText()).isEqualTo("postgres");
    }
  }

  @Test
  void serve_exclusive_keepsOtherProcessesOffItsSchema_andAnswersTokenReads() {
    String url = serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    ServerConfig.Storage exclusive = new ServerConfig.Storage(url, ServerConfig.Storage.DEFAULT_DATA_DIR, List.of(),
        Durability.FULL, true);
    try (QuireServer server = QuireServer.start(TestServer.config().withStorage(exclusive))) {
      ApiClient client = new ApiClient(server.url());
      client.createJson("pg-x");
      ApiResponse written = client.set("pg-x", "/n", TextNode.valueOf("one"), "?wait=true");
      assertThat(written.status()).isEqualTo(200);
      String token = written.header(Tokens.HEADER).orElseThrow();
      ApiResponse read = client.get("/v1/documents/pg-x", Tokens.HEADER, token);
      assertThat(read.json().at("/state/global/n").asText()).isEqualTo("one");

      ServerConfig shared = TestServer.config().withStorage(new ServerConfig.Storage(url, ServerConfig.Storage.DEFAULT_DATA_DIR,
          List.of()));
      assertThatThrownBy(() -> QuireServer.start(shared).close())
          .hasStackTraceContaining("held exclusively by another Quire process");
    }
  }

  private Connection connect() throws SQLException {
    String jdbc = serverUrl.startsWith("jdbc:") ? serverUrl : "jdbc:" + serverUrl;
    return DriverManager.getConnection(jdbc);
  }
}
