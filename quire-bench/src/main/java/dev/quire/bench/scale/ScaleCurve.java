package dev.quire.bench.scale;

import dev.quire.bench.load.LatencySummary;
import dev.quire.bench.load.LoadBenchmark;
import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.LoadFigures;
import dev.quire.bench.load.LoadResult;
import dev.quire.bench.load.ProcessResources;
import dev.quire.bench.load.Results;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A scale curve: the in-process load benchmark run once per value of one setting (documents D or
 * clients C), everything else fixed, each run on fresh storage. Shows how throughput and latency
 * change as the work grows; writes a Markdown table, a JSON file and a PNG plot.
 */
public final class ScaleCurve {

  /** The setting a curve varies. */
  public enum Axis { DOCUMENTS, CLIENTS }

  /** What a curve measured. */
  public record Result(String axis, String storage, int fixedDocuments, int fixedClients, double durationSeconds,
      List<ScalePoint> points) {}

  private ScaleCurve() {}

  /**
   * @param base the settings of every run (its documents or clients are replaced by each value)
   * @param log where each finished point is printed as a table row, as it comes
   */
  public static Result run(LoadConfig base, Axis axis, List<Long> values, Path out, String name, PrintWriter log)
      throws IOException, InterruptedException {
    log.printf(Locale.ROOT, "| %s | jobs/s READ_READY | p50 ms | p99 ms | read with token p99 ms | CPU µs/job | peak heap MiB |%n",
        axis == Axis.DOCUMENTS ? "documents (D)" : "clients (C)");
    log.println("|---:|---:|---:|---:|---:|---:|---:|");
    log.flush();
    List<ScalePoint> points = new ArrayList<>();
    for (long value : values) {
      LoadConfig config = axis == Axis.DOCUMENTS ? base.withDocuments(Math.toIntExact(value))
          : base.withClients(Math.toIntExact(value));
      LoadResult result = LoadBenchmark.run(config.withOut(null, null));
      LoadFigures figures = result.figures();
      LatencySummary ready = figures.latencyMs().get(LoadFigures.SUBMIT_TO_READ_READY);
      LatencySummary read = figures.latencyMs().get(LoadFigures.READ_WITH_TOKEN);
      ProcessResources resources = result.resources();
      ScalePoint point = new ScalePoint(value, figures.throughput().jobsPerSecondReadReady(), ready.p50(), ready.p99(),
          read == null ? 0 : read.p99(), resources.cpuMicrosPerJob(), resources.peakHeapBytes() >> 20);
      points.add(point);
      log.printf(Locale.ROOT, "| %,d | %,.0f | %.2f | %.2f | %.3f | %.0f | %,d |%n", value, point.jobsPerSecond(),
          point.p50Ms(), point.p99Ms(), point.readWithTokenP99Ms(), point.cpuMicrosPerJob(), point.peakHeapMiB());
      log.flush();
    }
    Result curve = new Result(axis.name().toLowerCase(Locale.ROOT), base.storage().label(), base.documents(),
        base.clients(), base.duration() == null ? 0 : base.duration().toMillis() / 1000.0, List.copyOf(points));
    if (out != null) {
      Files.createDirectories(out);
      Results.writeJson(out.resolve(name + ".json"), curve);
      String title = String.format(Locale.ROOT, "%s: jobs/s and p99 as %s grows (%s)", base.storage().label(),
          axis == Axis.DOCUMENTS ? "D" : "C", axis == Axis.DOCUMENTS ? base.clients() + " clients"
              : base.documents() + " documents");
      ScalePlot.write(out.resolve(name + ".png"), title, axis == Axis.DOCUMENTS ? "documents (D)" : "clients (C)",
          points);
    }
    return curve;
  }
}
