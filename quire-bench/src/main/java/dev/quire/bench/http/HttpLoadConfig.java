package dev.quire.bench.http;

import dev.quire.bench.load.LoadConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One load run against a running Quire server over HTTP.
 *
 * <p>The run is bounded by {@code duration} or, when {@code duration} is null, by a job count
 * ({@code jobs}, every one of them measured), as {@link LoadConfig} is.
 *
 * @param url the server's base address, e.g. {@code http://127.0.0.1:8080} (no trailing slash kept)
 * @param documents D: documents written to, created before the run (not measured)
 * @param clients C: concurrent clients of a closed-loop run (ignored by open loop)
 * @param mode closed-loop saturation or open loop at {@code ratePerSecond}
 * @param ratePerSecond jobs per second an open-loop run submits (ignored by closed loop)
 * @param batchSize actions per job
 * @param warmup load before measuring (same mode, results dropped); zero for none
 * @param duration measured time; null for a count-bounded run of {@code jobs} jobs
 * @param jobs jobs of a count-bounded run (ignored when {@code duration} is set)
 * @param authToken bearer token for the writes; null when the server needs none
 * @param serverPid the server's process id, to read its CPU time and peak RSS from {@code /proc}; null for none
 * @param out folder for the JSON result and the PNG plot; null writes nothing
 * @param name file name stem of the outputs
 * @param progress whether to print a live progress line on stderr
 */
public record HttpLoadConfig(
    URI url,
    int documents,
    int clients,
    LoadConfig.Mode mode,
    double ratePerSecond,
    int batchSize,
    Duration warmup,
    Duration duration,
    long jobs,
    String authToken,
    Long serverPid,
    Path out,
    String name,
    boolean progress) {

  public HttpLoadConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(warmup, "warmup");
    boolean web = "http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
    if (!web || url.getHost() == null) {
      throw new IllegalArgumentException("url must be http://host:port or https://host:port, got " + url);
    }
    String text = url.toString();
    url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    requirePositive(documents, "documents");
    requirePositive(clients, "clients");
    requirePositive(batchSize, "batchSize");
    if (duration == null) {
      if (jobs < 1) {
        throw new IllegalArgumentException("a count-bounded run needs jobs >= 1, got " + jobs);
      }
    } else if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
    if (mode == LoadConfig.Mode.OPEN && !(ratePerSecond > 0)) {
      throw new IllegalArgumentException("an open-loop run needs a positive rate, got " + ratePerSecond);
    }
    authToken = authToken == null || authToken.isBlank() ? null : authToken.trim();
    name = name == null || name.isBlank() ? "http" : name;
  }

  /** A small count-bounded closed-loop run without warm-up, outputs or progress; tune it with the withers. */
  public static HttpLoadConfig countBounded(URI url, int documents, long jobs, int clients) {
    return new HttpLoadConfig(url, documents, clients, LoadConfig.Mode.CLOSED, 0, 1, Duration.ZERO, null, jobs,
        null, null, null, "http", false);
  }

  /** Jobs of a count-bounded run; -1 for a timed one. */
  public long plannedJobs() {
    return duration == null ? jobs : -1;
  }

  public HttpLoadConfig withOut(Path folder, String stem) {
    return new HttpLoadConfig(url, documents, clients, mode, ratePerSecond, batchSize, warmup, duration, jobs,
        authToken, serverPid, folder, stem, progress);
  }

  public HttpLoadConfig withOpenLoop(double rate) {
    return new HttpLoadConfig(url, documents, clients, LoadConfig.Mode.OPEN, rate, batchSize, warmup, duration, jobs,
        authToken, serverPid, out, name, progress);
  }

  public HttpLoadConfig withBatchSize(int size) {
    return new HttpLoadConfig(url, documents, clients, mode, ratePerSecond, size, warmup, duration, jobs,
        authToken, serverPid, out, name, progress);
  }

  public HttpLoadConfig withAuthToken(String token) {
    return new HttpLoadConfig(url, documents, clients, mode, ratePerSecond, batchSize, warmup, duration, jobs,
        token, serverPid, out, name, progress);
  }

  public HttpLoadConfig withServerPid(Long pid) {
    return new HttpLoadConfig(url, documents, clients, mode, ratePerSecond, batchSize, warmup, duration, jobs,
        authToken, pid, out, name, progress);
  }

  private static void requirePositive(int value, String setting) {
    if (value < 1) {
      throw new IllegalArgumentException(setting + " must be >= 1, got " + value);
    }
  }
}
