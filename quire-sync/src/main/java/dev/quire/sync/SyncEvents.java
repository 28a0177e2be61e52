package dev.quire.sync;

import dev.quire.event.EventType;

/** Events sync emits on the reactor's bus. */
public final class SyncEvents {

  /** A link has operations to move (a page was fetched, or local writes wait to be pushed). */
  public static final EventType<SyncPending> SYNC_PENDING = EventType.define("SYNC_PENDING", SyncPending.class);

  /** A page was applied (pull) or acknowledged (push); the cursor advanced. */
  public static final EventType<SyncSucceeded> SYNC_SUCCEEDED =
      EventType.define("SYNC_SUCCEEDED", SyncSucceeded.class);

  /** An attempt failed; the link retries after {@code retryInMillis}. */
  public static final EventType<SyncFailed> SYNC_FAILED = EventType.define("SYNC_FAILED", SyncFailed.class);

  public static final EventType<DeadLetterAdded> DEAD_LETTER_ADDED =
      EventType.define("DEAD_LETTER_ADDED", DeadLetterAdded.class);

  public static final EventType<ConnectionStateChanged> CONNECTION_STATE_CHANGED =
      EventType.define("CONNECTION_STATE_CHANGED", ConnectionStateChanged.class);

  private SyncEvents() {}

  public record SyncPending(String remote, SyncStore.Cursor direction, int operations) {}

  /** @param cursor the new cursor (remote ordinal for PULL, local ordinal for PUSH) */
  public record SyncSucceeded(String remote, SyncStore.Cursor direction, int operations, long cursor) {}

  public record SyncFailed(String remote, SyncStore.Cursor direction, String error, long retryInMillis) {}

  public record DeadLetterAdded(DeadLetter deadLetter) {}

  public record ConnectionStateChanged(String remote, ConnectionState previous, ConnectionState current) {}
}
