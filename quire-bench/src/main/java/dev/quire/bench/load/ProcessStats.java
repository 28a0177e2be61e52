package dev.quire.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process-wide resource readings: CPU time, peak heap and peak resident set size.
 *
 * <p>CPU time is the whole process (reactor, benchmark clients, GC, JIT), so "CPU per job" is an
 * upper bound on what the engine itself costs. Peak heap is the sum of the heap pools' peaks since
 * {@link #resetPeaks()}; pools peak at different moments, so it slightly overstates the true peak.
 * Peak RSS is Linux's {@code VmHWM}; {@link #resetPeaks()} clears it through
 * {@code /proc/self/clear_refs} where the kernel allows, otherwise it is the peak since start-up
 * (reported as such).
 */
public final class ProcessStats {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcessStats() {}

  /** Process CPU time in nanoseconds; -1 when the JVM cannot tell. */
  public static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Resets the heap pools' peaks and, where possible, the peak RSS.
   *
   * @return whether the peak RSS was reset too
   */
  public static boolean resetPeaks() {
    for (MemoryPoolMXBean pool : heapPools()) {
      pool.resetPeakUsage();
    }
    try {
      Files.writeString(CLEAR_REFS, "5"); // 5 = reset the peak RSS (VmHWM) to the current RSS
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Sum of the heap pools' peak usage since the last reset, in bytes. */
  public static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : heapPools()) {
      sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** Peak resident set size in bytes ({@code VmHWM}); -1 when unknown (not Linux). */
  public static long peakRssBytes() {
    return statusKb("VmHWM:");
  }

  /** Current resident set size in bytes ({@code VmRSS}); -1 when unknown. */
  public static long rssBytes() {
    return statusKb("VmRSS:");
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
        .toList();
  }

  private static long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
