package dev.quire.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency metric: a wait-free {@link Recorder} that any thread records into, drained into a
 * cumulative {@link Histogram} by whoever reads it (the progress line, the final report).
 *
 * <p>Values are nanoseconds, 3 significant digits, auto-resizing, so no value is ever clamped.
 *
 * <p>Concurrency: {@link #record} is wait-free from any thread; the reading methods are
 * synchronized (they swap the recorder's interval histogram).
 */
public final class Latency {

  private final String name;
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = newHistogram();
  private Histogram interval;
  private Histogram lastInterval = newHistogram();

  public Latency(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Each metric's percentiles so far, by name, in the order given (the order of a result's JSON). */
  public static Map<String, LatencySummary> summaries(List<Latency> metrics) {
    Map<String, LatencySummary> byName = new LinkedHashMap<>();
    for (Latency metric : metrics) {
      byName.put(metric.name(), LatencySummary.of(metric.total()));
    }
    return byName;
  }

  public void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos));
  }

  /** Moves what was recorded since the last call into the total; returns that interval. */
  public synchronized Histogram drainInterval() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    lastInterval = interval;
    return interval;
  }

  /** Everything recorded since the last {@link #reset}. */
  public synchronized Histogram total() {
    drainInterval();
    return total.copy();
  }

  /** p99 of the last drained interval, in nanoseconds (0 when it was empty). */
  public synchronized long lastIntervalP99() {
    return lastInterval.getTotalCount() == 0 ? 0 : lastInterval.getValueAtPercentile(99);
  }

  /** Drops everything recorded so far (the end of a warm-up). */
  public synchronized void reset() {
    recorder.reset();
    interval = recorder.getIntervalHistogram(interval);
    total.reset();
    lastInterval = newHistogram();
  }

  private static Histogram newHistogram() {
    Histogram histogram = new Histogram(3);
    histogram.setAutoResize(true);
    return histogram;
  }
}
