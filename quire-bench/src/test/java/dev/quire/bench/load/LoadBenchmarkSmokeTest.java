package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the load benchmark small and checks its bookkeeping; no timing is asserted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadBenchmarkSmokeTest {

  private static final String[] LATENCIES = {
      "submitToWriteReady", "submitToReadReady", "readWithToken", "submitToReadAnswered"};

  @TempDir
  Path out;

  @Test
  void closedLoop_countsEveryJobOnceInTheJsonResult() throws Exception {
    LoadConfig config = LoadConfig.countBounded(20, 10, 8).withOut(out, "closed");

    LoadBenchmark.run(config);

    JsonNode json = new ObjectMapper().readTree(out.resolve("closed.json").toFile());
    assertCountsEqual(json, 200);
    assertThat(json.path("counts").path("operationsReadReady").asLong()).isEqualTo(200);
    assertThat(json.path("settings").path("mode").asText()).isEqualTo("closed");
    assertThat(out.resolve("closed.png")).isNotEmptyFile();
    assertThat(Files.readAllBytes(out.resolve("closed.png"))).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void openLoop_countsEveryJobOnceInTheJsonResult() throws Exception {
    LoadConfig config = LoadConfig.countBounded(20, 10, 1).withOpenLoop(2_000).withOut(out, "open");

    LoadResult result = LoadBenchmark.run(config);

    assertCountsEqual(new ObjectMapper().readTree(out.resolve("open.json").toFile()), 200);
    assertThat(result.settings().targetJobsPerSecond()).isEqualTo(2_000);
  }

  @Test
  void batchedJobs_countJobsAndOperationsApart() throws Exception {
    LoadConfig config = LoadConfig.countBounded(10, 20, 4).withBatchSize(5);

    LoadResult result = LoadBenchmark.run(config);

    assertThat(result.figures().counts().jobsSubmitted()).isEqualTo(40);
    assertThat(result.figures().counts().jobsReadReady()).isEqualTo(40);
    assertThat(result.figures().counts().operationsWriteReady()).isEqualTo(200);
    assertThat(result.figures().counts().operationsReadReady()).isEqualTo(200);
  }

  private static void assertCountsEqual(JsonNode json, long jobs) {
    JsonNode counts = json.path("counts");
    assertThat(counts.path("jobsSubmitted").asLong()).isEqualTo(jobs);
    assertThat(counts.path("jobsWriteReady").asLong()).isEqualTo(jobs);
    assertThat(counts.path("jobsReadReady").asLong()).isEqualTo(jobs);
    assertThat(counts.path("jobsFailed").asLong()).isZero();
    assertThat(counts.path("reads").asLong()).isEqualTo(jobs);
    assertThat(counts.path("readsFailed").asLong()).isZero();
    for (String latency : LATENCIES) {
      assertThat(json.path("latencyMs").path(latency).path("count").asLong()).as(latency).isEqualTo(jobs);
    }
  }
}
