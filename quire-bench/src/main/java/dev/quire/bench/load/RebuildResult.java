package dev.quire.bench.load;

/**
 * What one {@link RebuildBenchmark} run measured.
 *
 * @param generateSeconds writing the history into the store (not part of the rebuild)
 * @param storeScan reading every operation back by ordinal, indexing nothing: the floor under both
 *     rebuilds
 * @param documentView a fresh document view catching up from ordinal 0
 * @param documentIndexer a fresh document indexer catching up from ordinal 0
 * @param both the two rebuilds one after the other (the sum of the two phases above)
 * @param together both rebuilt again at once, as a start with empty read models or {@code rebuild()}
 *     of both runs them (JDBC: {@code rebuild()} on each; in memory: two fresh read models fed by
 *     two threads)
 */
public record RebuildResult(
    String benchmark,
    Settings settings,
    Environment environment,
    double generateSeconds,
    Phase storeScan,
    Phase documentView,
    Phase documentIndexer,
    Phase both,
    Phase together,
    long peakHeapBytes,
    long peakRssBytes) {

  public record Settings(long operations, int documents, String storage, int pageSize) {}

  /**
   * One timed pass over every operation.
   *
   * @param cpuSeconds the whole process's CPU time during the pass (every thread, the collector and
   *     the compiler included; -1 if the JVM cannot tell): on a shared host it varies less than the
   *     wall time, so it is the figure to compare two builds by
   */
  public record Phase(long operations, double seconds, double operationsPerSecond, double cpuSeconds) {

    static Phase of(long operations, long nanos, long cpuNanos) {
      double seconds = Math.max(1e-9, nanos / 1e9);
      return new Phase(operations, Math.round(seconds * 1000) / 1000.0, Math.round(operations / seconds),
          cpuNanos < 0 ? -1 : Math.round(cpuNanos / 1e6) / 1000.0);
    }
  }
}
