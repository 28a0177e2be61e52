package dev.quire.job;

import dev.quire.consistency.StreamKey;
import dev.quire.model.QuireException;

/**
 * A load job cannot be applied to the local stream: the sender's base operation is unknown here
 * ({@link Reason#MISSING_BASE}), or the state an operation produced differs from the sender's hash
 * ({@link Reason#HASH_MISMATCH}). Deterministic: running the job again fails the same way.
 */
public class LoadConflictException extends QuireException {

  /** Why the load was refused. */
  public enum Reason { MISSING_BASE, HASH_MISMATCH }

  private final Reason reason;
  private final StreamKey stream;
  private final String actionId;

  public LoadConflictException(Reason reason, StreamKey stream, String actionId, String message) {
    super(message);
    this.reason = reason;
    this.stream = stream;
    this.actionId = actionId;
  }

  public Reason reason() {
    return reason;
  }

  public StreamKey stream() {
    return stream;
  }

  /** The base (MISSING_BASE) or the operation's action (HASH_MISMATCH). */
  public String actionId() {
    return actionId;
  }
}
