package dev.quire.bench;

import dev.quire.bench.load.LatencySummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Lines the bench subcommands print alike for their results. */
final class ReportLines {

  private ReportLines() {}

  /** How the load was offered, to follow "closed loop" or "open loop" in a heading. */
  static String loop(String mode, double targetJobsPerSecond, int clients) {
    return mode.equals("open") ? String.format(Locale.ROOT, " at %,.0f jobs/s", targetJobsPerSecond)
        : ", " + clients + " clients";
  }

  /** The latency percentiles, one metric a row, its name in a column {@code nameWidth} wide. */
  static void latencyTable(PrintWriter out, Map<String, LatencySummary> latencyMs, int nameWidth) {
    out.printf(Locale.ROOT, "  %-" + nameWidth + "s %9s %9s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90",
        "p99", "p99.9", "max");
    for (Map.Entry<String, LatencySummary> entry : latencyMs.entrySet()) {
      LatencySummary l = entry.getValue();
      out.printf(Locale.ROOT, "  %-" + nameWidth + "s %9d %9.3f %9.3f %9.3f %9.3f %9.3f%n", entry.getKey(), l.count(),
          l.p50(), l.p90(), l.p99(), l.p999(), l.max());
    }
  }

  /** Where the JSON result and its plot went; nothing when none was written. */
  static void wrote(PrintWriter out, Path folder, String plot) {
    if (plot != null) {
      out.printf("  wrote %s and %s%n", folder.resolve(plot.replace(".png", ".json")), folder.resolve(plot));
    }
  }
}
