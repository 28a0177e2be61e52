package dev.quire.bench.load;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What one {@link LoadBenchmark} run measured; written as JSON next to its latency plot.
 *
 * @param figures the measured window's counts, {@code measuredSeconds}, throughput and {@code
 *     latencyMs}, unwrapped into the JSON. Latencies are keyed {@code submitToWriteReady}, {@code
 *     submitToReadReady}, {@code readWithToken} (a read issued once the job is READ_READY, with its
 *     token) and {@code submitToReadAnswered} (submit until that read answered); they count from the
 *     intended submit time in open loop, where {@code submitLag} (how late the generator itself
 *     submitted each job, part of every other figure) tells the benchmark's own delay apart from the
 *     engine's
 * @param resources the process's CPU time and memory over the window (engine and clients alike)
 * @param plot file name of the PNG latency plot next to the JSON; null when none was written
 */
public record LoadResult(
    String benchmark,
    Settings settings,
    Environment environment,
    @JsonUnwrapped LoadFigures figures,
    ProcessResources resources,
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
}
