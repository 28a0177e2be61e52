package dev.quire.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One replication run of {@link ReplicationBenchmark}.
 *
 * @param documents D: documents written to on A (created and replicated before measuring)
 * @param clients C: concurrent writers on A in closed loop (ignored in open loop)
 * @param storage the storage kind of both replicas; each gets its own empty database
 * @param push true: A pushes to B as soon as it writes; false: B pulls from A every {@code pollInterval}
 * @param pollInterval how often a pulling B asks A when A had nothing new
 * @param batchSize operations per sync page
 * @param ratePerSecond jobs per second in open loop; 0 for closed loop
 * @param warmup load before measuring, results dropped
 * @param duration measured time
 * @param out folder for the JSON result and plot; null writes nothing
 * @param name file name stem of the outputs
 * @param progress whether to print a live progress line on stderr
 */
public record ReplicationConfig(
    int documents,
    int clients,
    StorageSpec storage,
    boolean push,
    Duration pollInterval,
    int batchSize,
    double ratePerSecond,
    Duration warmup,
    Duration duration,
    Path out,
    String name,
    boolean progress) {

  public ReplicationConfig {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(duration, "duration");
    if (documents < 1 || clients < 1 || batchSize < 1) {
      throw new IllegalArgumentException("documents, clients and batchSize must be >= 1");
    }
    if (ratePerSecond < 0 || duration.isZero() || duration.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("rate, duration and warmup must not be negative; duration must be > 0");
    }
    name = name == null || name.isBlank() ? "replication" : name;
  }

  boolean openLoop() {
    return ratePerSecond > 0;
  }
}
