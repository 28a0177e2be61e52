package dev.quire.bench.load;

/**
 * This process's CPU time and memory over a measured window (see {@link ProcessWindow}).
 *
 * @param cpuMicrosPerJob process CPU time of the window (engine or client, GC, JIT) per READ_READY job
 * @param peakRssBytes {@code VmHWM}: since the window began when {@code peakRssReset}, else since start-up
 * @param writtenBytesPerJob bytes passed to write system calls in the window per READ_READY job (for
 *     SQLite mostly WAL frames, so it counts the pages a job's commits dirtied); -1 when unknown
 * @param readBytesPerJob the same for read system calls (pages read back from the OS cache); -1 when unknown
 */
public record ProcessResources(
    double cpuSeconds,
    double cpuMicrosPerJob,
    long peakHeapBytes,
    long peakRssBytes,
    boolean peakRssReset,
    long writtenBytesPerJob,
    long readBytesPerJob) {

  /** Bytes per job, rounded down; 0 without jobs. */
  public static long perJob(long bytes, long jobs) {
    return jobs == 0 ? 0 : bytes / jobs;
  }

  /** CPU time per job in microseconds, two decimals; 0 without jobs. */
  public static double microsPerJob(long cpuNanos, long jobs) {
    return jobs == 0 ? 0 : Results.round(cpuNanos / 1e3 / jobs);
  }
}
