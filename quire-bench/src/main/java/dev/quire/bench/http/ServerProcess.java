package dev.quire.bench.http;

import dev.quire.bench.load.ProcessStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Another process's CPU time, peak resident set size and system-call I/O, read from Linux's
 * {@code /proc/<pid>}:
 * the server under test, so "server CPU per job" is the server's own cost, apart from the
 * benchmark client's.
 *
 * <p>Only reads: the server's peak RSS ({@code VmHWM}) is not reset, so it is the peak since the
 * server started (set-up and warm-up included), reported as such.
 */
public final class ServerProcess {

  /**
   * Clock ticks per second of {@code /proc/<pid>/stat}'s times: the kernel's USER_HZ, fixed at 100
   * by the user-space ABI on x86 and ARM (what {@code getconf CLK_TCK} prints there).
   */
  private static final long TICKS_PER_SECOND = 100;
  private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;

  private final long pid;
  private final Path stat;
  private final Path status;

  /**
   * @throws IllegalArgumentException when {@code /proc/<pid>/stat} cannot be read (no such process,
   *     or not Linux)
   */
  public ServerProcess(long pid) {
    this.pid = pid;
    this.stat = Path.of("/proc", Long.toString(pid), "stat");
    this.status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.isReadable(stat)) {
      throw new IllegalArgumentException("cannot read " + stat + ": no process " + pid + " (or not Linux)");
    }
  }

  public long pid() {
    return pid;
  }

  /** User plus system CPU time of the whole process (every thread), in nanoseconds. */
  public long cpuNanos() {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      throw new UncheckedIOException("process " + pid + " is gone", e);
    }
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
    long userTicks = Long.parseLong(fields[11]); // field 14, utime
    long systemTicks = Long.parseLong(fields[12]); // field 15, stime
    return (userTicks + systemTicks) * NANOS_PER_TICK;
  }

  /** Bytes the process passed to read and write system calls since it started; null when unknown. */
  public ProcessStats.SyscallBytes syscallBytes() {
    return ProcessStats.syscallBytes(pid);
  }

  /** Peak resident set size ({@code VmHWM}) since the process started, in bytes; -1 when unknown. */
  public long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring("VmHWM:".length()).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
