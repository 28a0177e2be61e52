package dev.quire.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process-wide resource readings: CPU time, peak heap, peak resident set size and the bytes passed
 * to read and write system calls.
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
  private static final Path IO = Path.of("/proc/self/io");

  /**
   * Bytes this process has passed to read and write system calls ({@code rchar}, {@code wchar} of
   * {@code /proc/self/io}): for SQLite, mostly its WAL and database file, which is where a commit's
   * pages show up (file pages served from the OS cache count too, sockets as well).
   */
  public record SyscallBytes(long read, long written) {}

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

  /** Bytes read and written through system calls since start-up; null when unknown (not Linux). */
  public static SyscallBytes syscallBytes() {
    return syscallBytes(IO);
  }

  /**
   * The same for another process ({@code /proc/<pid>/io}, readable for a process of the same user);
   * null when unknown.
   */
  public static SyscallBytes syscallBytes(long pid) {
    return syscallBytes(Path.of("/proc", Long.toString(pid), "io"));
  }

  private static SyscallBytes syscallBytes(Path io) {
    try {
      List<String> lines = Files.readAllLines(io);
      long read = field(lines, "rchar:");
      long written = field(lines, "wchar:");
      return read < 0 || written < 0 ? null : new SyscallBytes(read, written);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
        .toList();
  }

  private static long statusKb(String field) {
    try {
      long kb = field(Files.readAllLines(STATUS), field);
      return kb < 0 ? -1 : kb * 1024;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The first number after {@code field} on the line that starts with it ({@code /proc} style); -1 if none. */
  private static long field(List<String> lines, String field) {
    for (String line : lines) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }
}
