package dev.quire.bench.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.quire.bench.load.Environment;
import dev.quire.bench.load.LoadFigures;
import dev.quire.bench.load.ProcessResources;
import java.util.Map;

/**
 * What one {@link HttpLoadBenchmark} run measured; written as JSON next to its latency plot.
 *
 * <p>Over HTTP a write with {@code wait=true} answers once its job is READ_READY, so there is no
 * separate WRITE_READY figure: the answer is the READ_READY time as a client sees it (server work,
 * HTTP and JSON included).
 *
 * @param environment the machine of the benchmark client (the server's when both run on one host)
 * @param figures the measured window's counts, {@code measuredSeconds}, throughput and {@code
 *     latencyMs}, unwrapped into the JSON, as {@code load} reports them but without WRITE_READY.
 *     Latencies are keyed {@code submitToReadReady} (the {@code wait=true} write's answer), {@code
 *     readWithToken} (the {@code GET} with the answer's token, alone) and {@code submitToReadAnswered}
 *     (submit until that read answered); in open loop they count from the intended submit time and
 *     {@code submitLag} says how late the generator itself dispatched each job
 * @param failures failed requests of the measured window by kind ({@code "job 500"}, {@code
 *     "read HttpTimeoutException"}, ...)
 * @param firstFailure the first failure's kind and body (the server's problem JSON); null when none
 * @param plot file name of the PNG latency plot next to the JSON; null when none was written
 */
public record HttpLoadResult(
    String benchmark,
    Settings settings,
    Environment environment,
    @JsonUnwrapped LoadFigures figures,
    Resources resources,
    Map<String, Long> failures,
    String firstFailure,
    String plot) {

  /**
   * The run's configuration, as given (the bearer token is never written, only whether one was sent).
   *
   * @param runId the prefix of this run's document ids, {@code bench-http-<runId>-<i>}
   * @param jobs jobs of a count-bounded run; 0 for a timed one
   */
  public record Settings(
      String url,
      String runId,
      int documents,
      int clients,
      String mode,
      double targetJobsPerSecond,
      int actionsPerJob,
      double warmupSeconds,
      Double durationSeconds,
      long jobs,
      boolean bearerToken,
      Long serverPid) {}

  /**
   * CPU and memory of the benchmark client (this process) and, with {@code --server-pid}, the server.
   *
   * @param clientCpuMicrosPerJob this process's CPU time of the window per READ_READY job
   * @param clientPeakRssBytes {@code VmHWM}: since the window began when {@code clientPeakRssReset}, else since start-up
   * @param serverCpuSeconds the server process's CPU time over the window; null without a server pid
   * @param serverCpuMicrosPerJob the server's CPU time of the window per READ_READY job; null without a server pid
   * @param serverPeakRssBytes the server's {@code VmHWM} since it started; null without a server pid
   * @param serverWrittenBytesPerJob bytes the server passed to write system calls in the window per
   *     READ_READY job (its database's WAL and file pages, and its answers); null without a server
   *     pid or when its {@code /proc/<pid>/io} cannot be read
   * @param serverReadBytesPerJob the same for read system calls (requests included)
   */
  public record Resources(
      double clientCpuSeconds,
      double clientCpuMicrosPerJob,
      long clientPeakHeapBytes,
      long clientPeakRssBytes,
      boolean clientPeakRssReset,
      Double serverCpuSeconds,
      Double serverCpuMicrosPerJob,
      Long serverPeakRssBytes,
      Long serverWrittenBytesPerJob,
      Long serverReadBytesPerJob) {

    /** The client's figures as {@code load} reports a process, and the server's (all null without a server pid). */
    static Resources of(ProcessResources client, Server server) {
      return new Resources(client.cpuSeconds(), client.cpuMicrosPerJob(), client.peakHeapBytes(),
          client.peakRssBytes(), client.peakRssReset(), server.cpuSeconds(), server.cpuMicrosPerJob(),
          server.peakRssBytes(), server.writtenBytesPerJob(), server.readBytesPerJob());
    }
  }

  /** The server's figures of a window, each null when not measured. */
  record Server(Double cpuSeconds, Double cpuMicrosPerJob, Long peakRssBytes, Long writtenBytesPerJob,
      Long readBytesPerJob) {
    static final Server NOT_MEASURED = new Server(null, null, null, null, null);
  }
}
