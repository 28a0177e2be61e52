package dev.quire.sync;

import java.time.Instant;
import java.util.List;

/**
 * Operations a replica received and could not apply, kept with the reason until retried or
 * discarded. Later operations of the same stream wait behind it ({@link Reason#DEPENDS_ON_DEAD_LETTER}).
 */
public record DeadLetter(String id, String remote, String documentId, String scope, String branch, Reason reason,
    String message, List<WireOperation> operations, Instant createdAt) {

  /** Why the receiver refused. */
  public enum Reason {
    UNKNOWN_MODEL, REDUCER_ERROR, HASH_MISMATCH, MISSING_BASE, MISSING_DOCUMENT, DEPENDS_ON_DEAD_LETTER, UNCLASSIFIED
  }

  public DeadLetter {
    operations = List.copyOf(operations);
  }

  public String streamKey() {
    return documentId + "|" + scope + "|" + branch;
  }
}
