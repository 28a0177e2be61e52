package dev.quire.readmodel;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one read model's progress, as seen by its {@link ReadModelCoordinator}.
 *
 * @param name the read model's name
 * @param stage whether it holds {@code OPERATIONS_READY} back
 * @param parkedStreams streams parked for this read model, waiting for retry or skip
 * @param lastError the most recent failure of any attempt, null if it never failed; it stays
 *     after later successes, as a clue for operators
 * @param batchesIndexed batches indexed successfully (skipped ones excluded)
 * @param operationsIndexed operations in those batches
 * @param lastIndexedOrdinal highest store ordinal indexed successfully, -1 before the first
 */
public record ReadModelStatus(
    String name,
    ReadModelStage stage,
    List<ParkedStream> parkedStreams,
    Throwable lastError,
    long batchesIndexed,
    long operationsIndexed,
    long lastIndexedOrdinal) {

  public ReadModelStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stage, "stage");
    parkedStreams = List.copyOf(parkedStreams);
  }

  /** True when at least one stream waits for {@code retry} or {@code skip}. */
  public boolean isParked() {
    return !parkedStreams.isEmpty();
  }
}
