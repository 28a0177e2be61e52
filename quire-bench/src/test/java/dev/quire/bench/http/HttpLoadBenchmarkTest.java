package dev.quire.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.bench.BenchMain;
import dev.quire.bench.load.LoadFigures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the HTTP benchmark small against {@link FakeQuireServer} and checks its bookkeeping: what it
 * sent, that every read carried its job's token, how failures are counted. No timing is asserted.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpLoadBenchmarkTest {

  @TempDir
  Path out;

  private FakeQuireServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeQuireServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void closedLoop_readsEveryJobBackWithItsTokenAndWritesTheResult() throws Exception {
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 5, 40, 4).withOut(out, "closed");

    HttpLoadResult result = HttpLoadBenchmark.run(config);

    assertThat(server.creates).hasValue(5);
    assertThat(server.jobsAnswered).hasValue(40);
    assertThat(server.readsWithToken).hasValue(40);
    assertThat(server.readsWithoutToken).hasValue(0);
    assertThat(result.figures().counts()).isEqualTo(LoadFigures.Counts.readReadyOnly(40, 40, 0, 40, 0, 40));
    assertThat(result.failures()).isEmpty();
    assertThat(result.firstFailure()).isNull();
    JsonNode json = new ObjectMapper().readTree(out.resolve("closed.json").toFile());
    for (String latency : new String[] {"submitToReadReady", "readWithToken", "submitToReadAnswered"}) {
      assertThat(json.path("latencyMs").path(latency).path("count").asLong()).as(latency).isEqualTo(40);
    }
    assertThat(json.path("settings").path("runId").asText()).isNotBlank();
    assertThat(Files.readAllBytes(out.resolve("closed.png"))).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void aServerErrorCountsAsAFailedJobAndKeepsItsProblem() throws Exception {
    server.failingActionRequest(3);
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 5, 40, 4);

    HttpLoadResult result = HttpLoadBenchmark.run(config);

    assertThat(result.figures().counts()).isEqualTo(LoadFigures.Counts.readReadyOnly(40, 39, 1, 39, 0, 39));
    assertThat(result.failures()).isEqualTo(Map.of("job 500", 1L));
    assertThat(result.firstFailure()).contains("injected failure");
    assertThat(server.readsWithToken).hasValue(39);
    StringWriter printed = new StringWriter();
    BenchMain.Http.print(new PrintWriter(printed), result, out);
    assertThat(printed.toString()).contains("failed 1").contains("injected failure");
  }

  @Test
  void openLoop_batchesCountJobsAndOperationsApart() throws Exception {
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 4, 30, 1).withOpenLoop(2_000)
        .withBatchSize(3);

    HttpLoadResult result = HttpLoadBenchmark.run(config);

    assertThat(result.figures().counts()).isEqualTo(LoadFigures.Counts.readReadyOnly(30, 30, 0, 30, 0, 90));
    assertThat(server.actions).hasValue(90);
    assertThat(result.figures().latencyMs().get("submitLag").count()).isEqualTo(30);
    assertThat(result.settings().targetJobsPerSecond()).isEqualTo(2_000);
  }

  @Test
  void sendsTheBearerTokenOnWrites() throws Exception {
    server.requiringToken("s3cret");
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 2, 10, 2).withAuthToken("s3cret");

    HttpLoadResult result = HttpLoadBenchmark.run(config);

    assertThat(server.unauthorized).hasValue(0);
    assertThat(result.figures().counts().reads()).isEqualTo(10);
    assertThat(result.settings().bearerToken()).isTrue();
  }

  @Test
  void aFailedCreateEndsTheRunWithTheProblem() {
    server.failingCreates();
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 3, 10, 2);

    assertThatThrownBy(() -> HttpLoadBenchmark.run(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("500")
        .hasMessageContaining("injected failure");
    assertThat(server.jobsAnswered).hasValue(0);
  }

  @Test
  void serverPid_reportsThatProcessCpuAndPeakRss() throws Exception {
    long self = ProcessHandle.current().pid();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc", Long.toString(self), "stat")),
        "needs Linux /proc");
    HttpLoadConfig config = HttpLoadConfig.countBounded(server.url(), 2, 10, 2).withServerPid(self);

    HttpLoadResult result = HttpLoadBenchmark.run(config);

    assertThat(result.resources().serverCpuSeconds()).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(result.resources().serverPeakRssBytes()).isPositive();
    // The "server" is this process, which read and wrote the fake server's sockets in the window.
    assertThat(result.resources().serverWrittenBytesPerJob()).isNotNull().isPositive();
    assertThat(result.resources().serverReadBytesPerJob()).isNotNull().isPositive();
    assertThat(new ServerProcess(self).cpuNanos()).isPositive();
    assertThat(new ServerProcess(self).syscallBytes().written()).isPositive();
  }

  @Test
  void aPidWithNoProcessIsRefused() {
    assertThatThrownBy(() -> new ServerProcess(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
  }
}
