package dev.quire.bench.load;

/**
 * This process's CPU time and memory over a measured window (see {@link ProcessWindow}).
 *
 * @param cpuMicrosPerJob process CPU time of the window (engine or client, GC, JIT) per READ_READY job
 * @param peakRssBytes {@code VmHWM}: since the window began when {@code peakRssReset}, else since start-up
 */
public record ProcessResources(
    double cpuSeconds,
    double cpuMicrosPerJob,
    long peakHeapBytes,
    long peakRssBytes,
    boolean peakRssReset) {

  /** CPU time per job in microseconds, two decimals; 0 without jobs. */
  public static double microsPerJob(long cpuNanos, long jobs) {
    return jobs == 0 ? 0 : Results.round(cpuNanos / 1e3 / jobs);
  }
}
