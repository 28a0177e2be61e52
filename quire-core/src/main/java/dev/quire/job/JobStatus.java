package dev.quire.job;

/**
 * Where a job is in its life.
 *
 * <pre>
 * PENDING → RUNNING → WRITE_READY → READ_READY
 *              │            └──────→ READ_FAILED ──(admin retry of the read model)──→ READ_READY
 *              └──→ FAILED
 * </pre>
 *
 * <p>{@link #READ_READY}, {@link #FAILED} and {@link #READ_FAILED} end an await; only
 * {@code READ_FAILED} can still move on (to {@code READ_READY}) when an operator retries the parked
 * read model.
 */
public enum JobStatus {
  /** Queued, waiting for its document or its dependencies. */
  PENDING,
  /** Being executed (also while waiting for a retry of a transient error). */
  RUNNING,
  /** Its operations are durable in the operation store; read models may not have them yet. */
  WRITE_READY,
  /** Every pre-ready read model has indexed its operations: a read with its token answers at once. */
  READ_READY,
  /** The write failed; nothing was written. */
  FAILED,
  /** Written, but a read model parked the job's stream after exhausting its retries. */
  READ_FAILED;

  /** Whether an await on a job in this status returns. */
  public boolean isTerminal() {
    return this == READ_READY || this == FAILED || this == READ_FAILED;
  }
}
