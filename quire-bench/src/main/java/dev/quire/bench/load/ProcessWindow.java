package dev.quire.bench.load;

/**
 * Measures this process over a benchmark's measured window: {@link #open()} resets the peaks and
 * takes the CPU time and I/O byte counts when the window opens, {@link #close()} takes them again
 * when it closes (from the {@link LoadDriver}'s window callback, so jobs finishing afterwards do
 * not count).
 *
 * <p>Concurrency: {@link #close()} may run on another thread than the readers; what it takes is
 * published through volatile fields.
 */
public final class ProcessWindow {

  private final boolean peakRssReset;
  private final long cpuStartNanos;
  // Null when the system does not tell.
  private final ProcessStats.SyscallBytes ioStart;
  private volatile long cpuEndNanos;
  private volatile ProcessStats.SyscallBytes ioEnd;

  private ProcessWindow(boolean peakRssReset, long cpuStartNanos, ProcessStats.SyscallBytes ioStart) {
    this.peakRssReset = peakRssReset;
    this.cpuStartNanos = cpuStartNanos;
    this.ioStart = ioStart;
    this.cpuEndNanos = cpuStartNanos;
    this.ioEnd = ioStart;
  }

  /** Opens the window: resets the heap and RSS peaks, takes the CPU time and the I/O byte counts. */
  public static ProcessWindow open() {
    boolean reset = ProcessStats.resetPeaks();
    return new ProcessWindow(reset, ProcessStats.processCpuNanos(), ProcessStats.syscallBytes());
  }

  /** Closes the window: takes the CPU time and the I/O byte counts again. */
  public void close() {
    cpuEndNanos = ProcessStats.processCpuNanos();
    ioEnd = ProcessStats.syscallBytes();
  }

  /** CPU time between {@link #open()} and {@link #close()}. */
  public long cpuNanos() {
    return cpuEndNanos - cpuStartNanos;
  }

  /** The window's figures, the peaks as of now; {@code jobs} READ_READY jobs share the CPU time. */
  public ProcessResources resources(long jobs) {
    long cpu = cpuNanos();
    ProcessStats.SyscallBytes end = ioEnd;
    boolean io = ioStart != null && end != null;
    return new ProcessResources(Results.round(cpu / 1e9), ProcessResources.microsPerJob(cpu, jobs),
        ProcessStats.peakHeapBytes(), ProcessStats.peakRssBytes(), peakRssReset,
        io ? ProcessResources.perJob(end.written() - ioStart.written(), jobs) : -1,
        io ? ProcessResources.perJob(end.read() - ioStart.read(), jobs) : -1);
  }
}
