package dev.quire.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.StorageSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A two-point curve in memory: one point per value, in order, each with its own setting applied. */
class ScaleCurveTest {

  @TempDir
  Path out;

  @Test
  void clientsCurve_runsOncePerValue_andWritesTableJsonAndPlot() throws Exception {
    LoadConfig base = new LoadConfig(20, 1, 4, StorageSpec.memory(), LoadConfig.Mode.CLOSED, 0, 1, Duration.ZERO,
        Duration.ofMillis(500), null, null, false);
    StringWriter table = new StringWriter();

    ScaleCurve.Result curve = ScaleCurve.run(base, ScaleCurve.Axis.CLIENTS, List.of(1L, 8L), out, "curve",
        new PrintWriter(table));

    assertThat(curve.points()).extracting(ScalePoint::value).containsExactly(1L, 8L);
    assertThat(curve.points()).allSatisfy(p -> {
      assertThat(p.jobsPerSecond()).isPositive();
      assertThat(p.p99Ms()).isGreaterThanOrEqualTo(p.p50Ms());
    });
    assertThat(curve.axis()).isEqualTo("clients");
    assertThat(table.toString()).contains("| clients (C) |").contains("| 1 |").contains("| 8 |");
    assertThat(out.resolve("curve.json")).isRegularFile();
    assertThat(out.resolve("curve.png")).isRegularFile();
  }
}
