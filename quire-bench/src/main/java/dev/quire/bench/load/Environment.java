package dev.quire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where a figure was measured, stored with every result so it is never quoted without it.
 *
 * @param cpuModel from {@code /proc/cpuinfo}; "unknown" elsewhere
 * @param loadAverage the 1-minute load average when the run started (other work on the machine)
 */
public record Environment(
    String date,
    String jdk,
    String vm,
    String os,
    int availableProcessors,
    String cpuModel,
    long maxHeapBytes,
    double loadAverage) {

  /** The current process and machine. */
  public static Environment current() {
    Runtime runtime = Runtime.getRuntime();
    return new Environment(
        Instant.now().toString(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        runtime.availableProcessors(),
        readCpuModel(),
        runtime.maxMemory(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static String readCpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
