package dev.quire.listener;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one {@link JdbcListenerReadModel}'s own progress (the coordinator's {@code
 * ReadModelStatus} adds retries and parked live batches).
 *
 * @param watermark every store ordinal up to this one has been applied (or meant nothing to the
 *     listener); a restart replays from here
 * @param replayUntil a replay requested with {@code reset} re-applies operations up to this ordinal;
 *     0 when none is pending
 * @param heldStreams streams stopped during a replay of history
 * @param lastError the most recent failure, null if none; kept after recovery as a clue
 * @param eventsDelivered events handed to the listener in committed transactions
 * @param transactions transactions committed
 */
public record ListenerStatus(
    String name,
    ListenerPhase phase,
    long watermark,
    long replayUntil,
    List<HeldStream> heldStreams,
    Throwable lastError,
    long eventsDelivered,
    long transactions) {

  public ListenerStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    heldStreams = List.copyOf(heldStreams);
  }
}
