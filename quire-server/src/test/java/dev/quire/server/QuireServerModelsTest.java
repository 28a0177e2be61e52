package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.server.ApiClient.ApiResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --models: document models listed as services in extra jars are served. */
@Timeout(30)
class QuireServerModelsTest {

  @TempDir
  Path dir;

  @Test
  void modelsFromAJarFolder_canBeCreatedAndMutated() throws Exception {
    Path jars = Files.createDirectories(dir.resolve("models"));
    try (OutputStream file = Files.newOutputStream(jars.resolve("counter.jar"));
        JarOutputStream jar = new JarOutputStream(file)) {
      jar.putNextEntry(new JarEntry("META-INF/services/dev.quire.model.DocumentModel"));
      jar.write((CounterTestModel.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    ServerConfig config = TestServer.config().withStorage(ServerConfig.Storage.memory().withModelPaths(List.of(jars)));

    try (QuireServer server = QuireServer.start(config)) {
      assertThat(server.documentTypes()).contains("test/counter", "quire/json");
      ApiClient client = new ApiClient(server.url());
      assertThat(client.post("/v1/documents?wait=true", "{\"documentType\":\"test/counter\",\"id\":\"c\"}").status())
          .isEqualTo(200);
      ApiResponse incremented = client.post("/v1/documents/c/actions?wait=true",
          "{\"actions\":[{\"type\":\"INCREMENT\",\"input\":{\"by\":5}}]}");
      assertThat(incremented.json().at("/document/state/global").asInt()).isEqualTo(5);
    }
  }

  @Test
  void missingModelPath_failsAtStart() {
    ServerConfig config = TestServer.config()
        .withStorage(ServerConfig.Storage.memory().withModelPaths(List.of(dir.resolve("absent.jar"))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> QuireServer.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent.jar");
  }
}
