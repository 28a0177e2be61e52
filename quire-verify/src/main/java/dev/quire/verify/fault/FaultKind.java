package dev.quire.verify.fault;

/** The faults the harness injects. Which ones a run uses depends on its target. */
public enum FaultKind {
  /** The document view fails every batch for a while (streams park), then recovers (parked streams retried). */
  VIEW_FAILS,
  /** The document view stops indexing for a while: token reads time out or wait, then catch up. */
  VIEW_STALLS,
  /** The relationship index fails for a while, then recovers. */
  INDEXER_FAILS,
  /** The relationship index stalls for a while. */
  INDEXER_STALLS,
  /** The side (application) read model fails for a while, then recovers. */
  SIDE_FAILS,
  /** The side read model stalls for a while. */
  SIDE_STALLS,
  /** Appends fail before reaching the store for a while (jobs retry). */
  STORE_FAILS,
  /** Appends commit, then report an error for a while, as a connection lost during commit would. */
  STORE_ACK_LOST,
  /** Every PostgreSQL connection of the Quire process is terminated (pg_terminate_backend). */
  DB_CONNECTIONS_DROPPED,
  /** The server process is killed with SIGKILL and started again on the same storage. */
  PROCESS_KILLED;
}
