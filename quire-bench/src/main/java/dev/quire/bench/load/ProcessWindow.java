package dev.quire.bench.load;

/**
 * Measures this process over a benchmark's measured window: {@link #open()} resets the peaks and
 * takes the CPU time when the window opens, {@link #close()} takes it again when it closes (from the
 * {@link LoadDriver}'s window callback, so jobs finishing afterwards do not count).
 *
 * <p>Concurrency: {@link #close()} may run on another thread than the readers; the CPU time it
 * takes is published through a volatile field.
 */
public final class ProcessWindow {

  private final boolean peakRssReset;
  private final long cpuStartNanos;
  private volatile long cpuEndNanos;

  private ProcessWindow(boolean peakRssReset, long cpuStartNanos) {
    this.peakRssReset = peakRssReset;
    this.cpuStartNanos = cpuStartNanos;
    this.cpuEndNanos = cpuStartNanos;
  }

  /** Opens the window: resets the heap and RSS peaks, takes the CPU time. */
  public static ProcessWindow open() {
    boolean reset = ProcessStats.resetPeaks();
    return new ProcessWindow(reset, ProcessStats.processCpuNanos());
  }

  /** Closes the window: takes the CPU time again. */
  public void close() {
    cpuEndNanos = ProcessStats.processCpuNanos();
  }

  /** CPU time between {@link #open()} and {@link #close()}. */
  public long cpuNanos() {
    return cpuEndNanos - cpuStartNanos;
  }

  /** The window's figures, the peaks as of now; {@code jobs} READ_READY jobs share the CPU time. */
  public ProcessResources resources(long jobs) {
    long cpu = cpuNanos();
    return new ProcessResources(Results.round(cpu / 1e9), ProcessResources.microsPerJob(cpu, jobs),
        ProcessStats.peakHeapBytes(), ProcessStats.peakRssBytes(), peakRssReset);
  }
}
