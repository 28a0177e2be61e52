package dev.quire.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlternatedRunsTest {

  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
  private static final String CLASS_PATH = System.getProperty("java.class.path");

  @Test
  void pairsAlternateTheirOrder_andEachRunGetsAFolderOfItsOwn(@TempDir Path out) throws Exception {
    // A one-second load on this build as both sides; {run} must be replaced for each run.
    List<String> command = List.of("load", "--storage", "sqlite-normal:{run}/q.db", "--documents", "5", "--clients",
        "2", "--warmup", "0s", "--duration", "1s");
    var settings = new AlternatedRuns.Settings(JAVA, List.of("-Xmx256m"), CLASS_PATH, CLASS_PATH, command, 2,
        AlternatedRuns.LOAD_METRICS, out);
    List<AlternatedRuns.Run> heard = new ArrayList<>();

    AlternatedRuns.Outcome outcome = AlternatedRuns.run(settings, heard::add);

    assertThat(heard).extracting(r -> r.pair() + " " + r.side())
        .containsExactly("1 baseline", "1 candidate", "2 candidate", "2 baseline");
    assertThat(outcome.runs())
        .allSatisfy(r -> assertThat(r.figures()).hasSize(3).allSatisfy(f -> assertThat(f).isPositive()));
    assertThat(outcome.comparisons()).containsOnlyKeys(AlternatedRuns.LOAD_METRICS);
    assertThat(outcome.comparisons().values()).allSatisfy(c -> assertThat(c.pairs()).isEqualTo(2));
    assertThat(out.resolve("pair-2-candidate.json")).exists();
    String result = Files.readString(out.resolve("pair-1-baseline.json"));
    assertThat(result).doesNotContain("{run}").contains("quire-compare-");
  }

  @Test
  void aRunThatFails_namesItsLog(@TempDir Path out) {
    var settings = new AlternatedRuns.Settings(JAVA, List.of(), CLASS_PATH, CLASS_PATH,
        List.of("load", "--storage", "no-such-storage"), 2, AlternatedRuns.LOAD_METRICS, out);

    assertThatThrownBy(() -> AlternatedRuns.run(settings, run -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pair 1, baseline")
        .hasMessageContaining("pair-1-baseline.log");
  }

  @Test
  void aMetricTheResultLacks_isReportedWithItsPointer() throws Exception {
    var result = dev.quire.model.Json.mapper().readTree("{\"throughput\": {\"jobsPerSecondReadReady\": 5}}");

    assertThat(AlternatedRuns.figures(result, List.of("/throughput/jobsPerSecondReadReady"), Path.of("r.json")))
        .containsExactly(5.0);
    assertThatThrownBy(() -> AlternatedRuns.figures(result, List.of("/resources/cpuMicrosPerJob"), Path.of("r.json")))
        .hasMessageContaining("/resources/cpuMicrosPerJob");
  }

  @Test
  void theDefaultMetrics_areThoseOfTheBenchmarkRun() {
    assertThat(AlternatedRuns.defaultMetrics(List.of("rebuild", "--storage", "sqlite-normal:{run}/q.db")))
        .contains("/documentView/operationsPerSecond", "/documentIndexer/operationsPerSecond");
    assertThat(AlternatedRuns.defaultMetrics(List.of("http", "--url", "http://127.0.0.1:8080")))
        .contains("/resources/serverCpuMicrosPerJob");
    assertThat(AlternatedRuns.defaultMetrics(List.of("load", "--clients", "64")))
        .isEqualTo(AlternatedRuns.LOAD_METRICS);
  }

  @Test
  void fewerThanTwoPairs_areRefused(@TempDir Path out) {
    assertThatThrownBy(() -> new AlternatedRuns.Settings(JAVA, List.of(), "a", "b", List.of("load"), 1,
        AlternatedRuns.LOAD_METRICS, out)).isInstanceOf(IllegalArgumentException.class);
  }
}
