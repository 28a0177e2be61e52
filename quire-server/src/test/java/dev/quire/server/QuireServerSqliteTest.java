package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.quire.server.ApiClient.ApiResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The default storage: SQLite under the data folder, created on first run, kept across restarts. */
@Timeout(60)
class QuireServerSqliteTest {

  @TempDir
  Path dataDir;

  private ServerConfig config() {
    return TestServer.config().withStorage(new ServerConfig.Storage(null, dataDir.resolve("data"), List.of()));
  }

  @Test
  void defaultStorage_createsTheDatabase_andKeepsDocumentsAcrossRestarts() {
    String token;
    try (QuireServer server = QuireServer.start(config())) {
      assertThat(Files.exists(dataDir.resolve("data").resolve("quire.db"))).isTrue();
      assertThat(server.storageDescription()).contains("quire.db");
      ApiClient client = new ApiClient(server.url());
      client.createJson("durable-1");
      ApiResponse mutated = client.set("durable-1", "/title", TextNode.valueOf("kept"), "?wait=true");
      assertThat(mutated.status()).isEqualTo(200);
      token = mutated.header("Quire-Consistency-Token").orElseThrow();
    }

    try (QuireServer restarted = QuireServer.start(config())) {
      ApiClient client = new ApiClient(restarted.url());
      ApiResponse read = client.get("/v1/documents/durable-1?timeoutMs=2000", "Quire-Consistency-Token", token);
      assertThat(read.status()).as(read.toString()).isEqualTo(200);
      assertThat(read.json().at("/state/global/title").asText()).isEqualTo("kept");
      ApiResponse models = client.get("/v1/read-models");
      assertThat(models.json().get("readModels")).allSatisfy(m -> {
        assertThat(m.get("lagOperations").asLong()).isZero();
        assertThat(m.get("checkpoint").asLong()).isEqualTo(models.json().get("lastOrdinal").asLong());
      });
      assertThat(client.get("/health/ready").status()).isEqualTo(200);
    }

    try (QuireServer again = QuireServer.start(config())) {
      ApiClient client = new ApiClient(again.url());
      ApiResponse rebuilt = client.post("/v1/read-models/document-view/rebuild?wait=true&timeoutMs=20000", (String) null);
      assertThat(rebuilt.status()).as(rebuilt.toString()).isEqualTo(200);
      assertThat(rebuilt.json().get("checkpoint").asLong()).isEqualTo(2);
      assertThat(rebuilt.json().get("rebuildMs").isIntegralNumber()).as(rebuilt.toString()).isTrue();
      assertThat(rebuilt.json().get("rebuildMs").asLong()).isNotNegative();
      assertThat(client.get("/v1/documents/durable-1").json().at("/state/global/title").asText()).isEqualTo("kept");
      ApiResponse started = client.post("/v1/read-models/document-indexer/rebuild", (String) null);
      assertThat(started.status()).isIn(202, 409);
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int code = dev.quire.server.cli.QuireCli.run(new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(err, true), "rebuild", "document-view", "--wait", "--timeout", "20s", "--url", again.url());
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).matches("(?s)Rebuilt document-view in \\d+\\.\\d s; checkpoint 2\\R");
    }

    StorageFactory.Progress progress =
        StorageFactory.progress(new ServerConfig.Storage(null, dataDir.resolve("data"), List.of()));
    assertThat(progress.lastOrdinal()).isEqualTo(2);
    assertThat(progress.checkpoints()).containsEntry("document-view", 2L);
  }
}
