package dev.quire.listener;

/** Where a {@link JdbcListenerReadModel} is in its life. */
public enum ListenerPhase {
  /** Built; {@code start()} not called and no batch received yet. */
  NEW,
  /** Replaying the operation store from its checkpoint; live batches wait behind it. */
  CATCHING_UP,
  /** Indexing live batches as the coordinator hands them over. */
  LIVE,
  /** Emptied its tables and is replaying the whole history; tokens wait until it has passed them. */
  REBUILDING,
  /** Replaying history from an ordinal on request, without emptying its tables. */
  REPLAYING,
  /** Starting failed (database or store unreachable); the next batch or {@code start()} tries again. */
  FAILED,
  CLOSED
}
