package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the rebuild benchmark small; its own verification fails the run if a rebuild is wrong. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RebuildBenchmarkSmokeTest {

  @Test
  void inMemory_rebuildsEveryOperation() throws Exception {
    RebuildResult result = RebuildBenchmark.run(RebuildConfig.inMemory(5_000, 300));

    assertThat(result.settings().operations()).isEqualTo(5_000);
    assertThat(result.storeScan().operations()).isEqualTo(5_000);
    assertThat(result.documentView().operations()).isEqualTo(5_000);
    assertThat(result.documentIndexer().operations()).isEqualTo(5_000);
  }

  @Test
  void sqlite_rebuildsThroughTheReadModelsOwnCatchUp() throws Exception {
    RebuildConfig config = new RebuildConfig(3_000, 200, StorageSpec.parse("sqlite-normal"), 500, 1_000, null,
        null, false);

    RebuildResult result = RebuildBenchmark.run(config);

    assertThat(result.documentView().operations()).isEqualTo(3_000);
    assertThat(result.documentIndexer().operations()).isEqualTo(3_000);
    // Linux's JVM reports process CPU; a rebuild uses some, and "view + indexer" is the sum of the two.
    assertThat(result.documentView().cpuSeconds()).isPositive();
    assertThat(result.both().cpuSeconds())
        .isCloseTo(result.documentView().cpuSeconds() + result.documentIndexer().cpuSeconds(), within(0.002));
  }

  @Test
  void generator_refusesTooFewOperationsToCreateAndLinkEveryDocument() {
    assertThatThrownBy(() -> new OperationGenerator(100, 150, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("199");
  }
}
