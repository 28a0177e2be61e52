package dev.quire.bench.load;

import java.util.Map;

/**
 * What one {@link ReplicationBenchmark} run measured.
 *
 * @param writtenJobsPerSecond jobs submitted on A per second of the window
 * @param replicatedOpsPerSecond operations that became readable on B per second of the window
 * @param latencyMs {@code writeOnAToReadableOnB}: from the write's (intended) submit on A until B's
 *     read models had indexed it; {@code submitToReadReadyOnA}: the same write's local READ_READY
 * @param replicatedAfterWindow operations of the window still arriving on B after it closed
 *     (drained before the run ends, so every latency is recorded)
 * @param drainSeconds from the window's end until B had every operation
 * @param drainOpsPerSecond {@code replicatedAfterWindow / drainSeconds}: how fast B catches up on a
 *     backlog once A stops writing (A still serves it), i.e. the link's capacity on a shared machine
 */
public record ReplicationResult(
    String benchmark,
    Settings settings,
    Environment environment,
    double measuredSeconds,
    long jobsSubmitted,
    long operationsReplicated,
    long replicatedAfterWindow,
    double drainSeconds,
    double writtenJobsPerSecond,
    double replicatedOpsPerSecond,
    double drainOpsPerSecond,
    Map<String, LatencySummary> latencyMs,
    double cpuSeconds,
    long peakHeapBytes,
    String plot) {

  /** The run's configuration, as given. */
  public record Settings(int documents, int clients, String storage, String direction, double pollIntervalSeconds,
      int batchSize, String mode, double targetJobsPerSecond, double warmupSeconds, double durationSeconds) {}
}
