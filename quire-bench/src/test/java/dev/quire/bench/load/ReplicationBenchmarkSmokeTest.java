package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short replication runs: every write on A is counted once as readable on B, and the outputs exist. */
class ReplicationBenchmarkSmokeTest {

  @TempDir
  Path out;

  @Test
  void push_everyWriteOnAReachesB_onceAndTimed() throws Exception {
    ReplicationResult result = ReplicationBenchmark.run(config(true, 0, "push"));

    assertThat(result.jobsSubmitted()).isPositive();
    assertThat(result.operationsReplicated() + result.replicatedAfterWindow()).isEqualTo(result.jobsSubmitted());
    assertThat(result.latencyMs().get(ReplicationBenchmark.WRITE_TO_READABLE_ON_B).count())
        .isEqualTo(result.jobsSubmitted());
    assertThat(result.latencyMs().get(ReplicationBenchmark.SUBMIT_TO_READ_READY_ON_A).count())
        .isEqualTo(result.jobsSubmitted());
    assertThat(out.resolve("push.json")).isRegularFile();
    assertThat(out.resolve("push.png")).isRegularFile();
  }

  @Test
  void pullInOpenLoop_everyWriteOnAReachesB() throws Exception {
    ReplicationResult result = ReplicationBenchmark.run(config(false, 200, "pull"));

    assertThat(result.settings().direction()).isEqualTo("pull");
    assertThat(result.settings().mode()).isEqualTo("open");
    assertThat(result.jobsSubmitted()).isPositive();
    assertThat(result.operationsReplicated() + result.replicatedAfterWindow()).isEqualTo(result.jobsSubmitted());
  }

  private ReplicationConfig config(boolean push, double rate, String name) {
    return new ReplicationConfig(20, 4, StorageSpec.memory(), push, Duration.ofMillis(20), 50, rate, Duration.ZERO,
        Duration.ofMillis(700), out, name, false);
  }
}
