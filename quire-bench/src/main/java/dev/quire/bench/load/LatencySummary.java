package dev.quire.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency metric, in milliseconds.
 *
 * @param count values recorded
 */
public record LatencySummary(long count, double p50, double p90, double p99, double p999, double max, double mean) {

  private static final double NANOS_PER_MS = 1e6;

  public static LatencySummary of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(
        nanos.getTotalCount(),
        ms(nanos.getValueAtPercentile(50)),
        ms(nanos.getValueAtPercentile(90)),
        ms(nanos.getValueAtPercentile(99)),
        ms(nanos.getValueAtPercentile(99.9)),
        ms(nanos.getMaxValue()),
        round(nanos.getMean() / NANOS_PER_MS));
  }

  private static double ms(long nanos) {
    return round(nanos / NANOS_PER_MS);
  }

  /** Microsecond resolution is all three significant digits can carry for these ranges. */
  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
