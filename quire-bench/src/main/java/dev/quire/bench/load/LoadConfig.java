package dev.quire.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One end-to-end load run.
 *
 * <p>The run is bounded either by {@code duration} (then {@code actionsPerDocument} is ignored and
 * clients keep writing until the time is up) or, when {@code duration} is null, by a job count:
 * {@code documents * actionsPerDocument / batchSize} jobs, every one of them measured.
 *
 * @param documents D: documents written to, created before the run (not measured)
 * @param actionsPerDocument M: actions per document in a count-bounded run
 * @param clients C: concurrent clients of a closed-loop run (ignored by open loop)
 * @param storage where operations and read models live
 * @param mode closed-loop saturation or open loop at {@code ratePerSecond}
 * @param ratePerSecond jobs per second an open-loop run submits (ignored by closed loop)
 * @param batchSize actions per job: 1 is "one action per job", more is the batched variant
 * @param warmup load before measuring (same mode, results dropped); zero for none
 * @param duration measured time; null for a count-bounded run
 * @param out folder for the JSON result and the PNG plot; null writes nothing
 * @param name file name stem of the outputs
 * @param progress whether to print a live progress line on stderr
 */
public record LoadConfig(
    int documents,
    int actionsPerDocument,
    int clients,
    StorageSpec storage,
    Mode mode,
    double ratePerSecond,
    int batchSize,
    Duration warmup,
    Duration duration,
    Path out,
    String name,
    boolean progress) {

  /** How jobs are offered. */
  public enum Mode {
    /** C clients, each submitting its next job once its previous one was read back: saturation. */
    CLOSED,
    /**
     * Jobs at a fixed arrival rate whatever the latency; latency counts from each job's intended
     * submit time, so a stall is charged to every job that should have started during it.
     */
    OPEN
  }

  public LoadConfig {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(warmup, "warmup");
    requirePositive(documents, "documents");
    requirePositive(clients, "clients");
    requirePositive(batchSize, "batchSize");
    if (duration == null) {
      requirePositive(actionsPerDocument, "actionsPerDocument");
      if ((long) documents * actionsPerDocument < batchSize) {
        throw new IllegalArgumentException("documents * actionsPerDocument must be at least batchSize");
      }
    } else if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
    if (mode == Mode.OPEN && !(ratePerSecond > 0)) {
      throw new IllegalArgumentException("an open-loop run needs a positive rate, got " + ratePerSecond);
    }
    name = name == null || name.isBlank() ? "load" : name;
  }

  /** A small count-bounded in-memory closed-loop run without outputs; tune it with the withers. */
  public static LoadConfig countBounded(int documents, int actionsPerDocument, int clients) {
    return new LoadConfig(documents, actionsPerDocument, clients, StorageSpec.memory(), Mode.CLOSED, 0, 1,
        Duration.ZERO, null, null, "load", false);
  }

  /** Jobs of a count-bounded run; -1 for a timed one. */
  public long plannedJobs() {
    return duration == null ? (long) documents * actionsPerDocument / batchSize : -1;
  }

  public LoadConfig withOut(Path folder, String stem) {
    return new LoadConfig(documents, actionsPerDocument, clients, storage, mode, ratePerSecond, batchSize, warmup,
        duration, folder, stem, progress);
  }

  public LoadConfig withOpenLoop(double rate) {
    return new LoadConfig(documents, actionsPerDocument, clients, storage, Mode.OPEN, rate, batchSize, warmup,
        duration, out, name, progress);
  }

  public LoadConfig withBatchSize(int size) {
    return new LoadConfig(documents, actionsPerDocument, clients, storage, mode, ratePerSecond, size, warmup,
        duration, out, name, progress);
  }

  public LoadConfig withDocuments(int count) {
    return new LoadConfig(count, actionsPerDocument, clients, storage, mode, ratePerSecond, batchSize, warmup,
        duration, out, name, progress);
  }

  public LoadConfig withClients(int count) {
    return new LoadConfig(documents, actionsPerDocument, count, storage, mode, ratePerSecond, batchSize, warmup,
        duration, out, name, progress);
  }

  public LoadConfig withStorage(StorageSpec spec) {
    return new LoadConfig(documents, actionsPerDocument, clients, spec, mode, ratePerSecond, batchSize, warmup,
        duration, out, name, progress);
  }

  private static void requirePositive(int value, String setting) {
    if (value < 1) {
      throw new IllegalArgumentException(setting + " must be >= 1, got " + value);
    }
  }
}
