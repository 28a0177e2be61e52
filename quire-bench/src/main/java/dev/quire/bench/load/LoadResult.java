package dev.quire.bench.load;

import java.util.Map;

/**
 * What one {@link LoadBenchmark} run measured; written as JSON next to its latency plot.
 *
 * @param measuredSeconds the throughput window: from the first measured submit to the end of
 *     submissions (timed run) or to the last job's READ_READY (count-bounded run)
 * @param latencyMs keyed {@code submitToWriteReady}, {@code submitToReadReady}, {@code
 *     readWithToken} (a read issued once the job is READ_READY, with its token) and {@code
 *     submitToReadAnswered} (submit until that read answered); latencies count from the intended
 *     submit time in open loop, where {@code submitLag} (how late the generator itself submitted
 *     each job, part of every other figure) tells the benchmark's own delay apart from the engine's
 * @param plot file name of the PNG latency plot next to the JSON; null when none was written
 */
public record LoadResult(
    String benchmark,
    Settings settings,
    Environment environment,
    Counts counts,
    double measuredSeconds,
    Throughput throughput,
    Map<String, LatencySummary> latencyMs,
    Resources resources,
    String plot) {

  /** The run's configuration, as given. */
  public record Settings(
      int documents,
      int actionsPerDocument,
      int clients,
      String storage,
      String mode,
      double targetJobsPerSecond,
      int actionsPerJob,
      double warmupSeconds,
      Double durationSeconds) {}

  /**
   * Jobs and operations of the measured window.
   *
   * @param jobsSubmitted jobs submitted in the window
   * @param jobsWriteReady jobs that reached WRITE_READY in the window
   * @param jobsReadReady jobs that reached READ_READY in the window
   * @param reads reads with token that answered (jobs submitted in the window, answered by the end)
   */
  public record Counts(
      long jobsSubmitted,
      long jobsWriteReady,
      long jobsReadReady,
      long jobsFailed,
      long reads,
      long readsFailed,
      long operationsWriteReady,
      long operationsReadReady) {}

  /** Per second over {@link LoadResult#measuredSeconds}. */
  public record Throughput(
      double offeredJobsPerSecond,
      double jobsPerSecondWriteReady,
      double jobsPerSecondReadReady,
      double operationsPerSecondWriteReady,
      double operationsPerSecondReadReady) {}

  /**
   * @param cpuMicrosPerJob process CPU time of the window (engine, clients, GC, JIT) per READ_READY job
   * @param peakRssBytes {@code VmHWM}: since the window began when {@code peakRssReset}, else since start-up
   */
  public record Resources(
      double cpuSeconds,
      double cpuMicrosPerJob,
      long peakHeapBytes,
      long peakRssBytes,
      boolean peakRssReset) {}
}
