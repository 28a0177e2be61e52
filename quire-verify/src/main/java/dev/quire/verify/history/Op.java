package dev.quire.verify.history;

import dev.quire.consistency.ConsistencyCoordinate;
import java.util.List;
import java.util.Objects;

/**
 * One client operation: its invocation (what, when) and its completion (how it ended, what it saw).
 *
 * @param id position in the history, in invocation order
 * @param client the client that ran it (clients run one operation at a time)
 * @param documentId the document written or read
 * @param element APPEND only: the unique element added to {@code /items}, e.g. {@code c3-17}
 * @param seq APPEND only: the client's sequence number written to {@code /counters/<client>}
 * @param target edge writes only: the edge's target document
 * @param invokeNanos, completeNanos {@link System#nanoTime()} at invocation and completion
 * @param outcome see {@link Outcome}
 * @param status the typed end of the call: a job status (READ_READY, READ_FAILED, FAILED, WRITE_READY),
 *     a wait outcome (SATISFIED, TIMED_OUT, READ_MODEL_FAILED, ABORTED), NOT_FOUND, REFUSED,
 *     UNAVAILABLE (process down), or {@code UNTYPED:<exception>} for an end the API does not type
 * @param detail the error message, if any
 * @param jobId the write's job id, when known
 * @param token writes: the coordinates of the token the write returned; reads: of the token sent
 * @param waitMillis the deadline the call waited with (0 for none)
 * @param faultAffected true when a process-level fault (kill, restart) happened during the call, so
 *     its latency says nothing about the wait's deadline
 * @param read what a successful read returned; null for writes and failed reads
 */
public record Op(
    long id,
    String client,
    OpKind kind,
    String documentId,
    String element,
    long seq,
    String target,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    String status,
    String detail,
    String jobId,
    List<ConsistencyCoordinate> token,
    long waitMillis,
    boolean faultAffected,
    ReadResult read) {

  public Op {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(status, "status");
    token = token == null ? List.of() : List.copyOf(token);
  }

  public long latencyMillis() {
    return (completeNanos - invokeNanos) / 1_000_000;
  }

  public boolean hasToken() {
    return !token.isEmpty();
  }

  /** One line, for history excerpts. */
  public String describe() {
    StringBuilder line = new StringBuilder();
    line.append('#').append(id).append(' ').append(client).append(' ').append(kind).append(' ').append(documentId);
    if (element != null) {
      line.append(" element=").append(element).append(" seq=").append(seq);
    }
    if (target != null) {
      line.append(" target=").append(target);
    }
    line.append(" -> ").append(outcome).append(' ').append(status);
    if (jobId != null) {
      line.append(" job=").append(jobId);
    }
    if (!token.isEmpty()) {
      line.append(kind.isWrite() ? " returned-token=" : " read-token=").append(token);
    }
    if (read != null) {
      line.append(" saw ").append(read);
    }
    if (waitMillis > 0) {
      line.append(" wait=").append(waitMillis).append("ms took=").append(latencyMillis()).append("ms");
    }
    if (faultAffected) {
      line.append(" (during a process fault)");
    }
    if (detail != null && !detail.isEmpty()) {
      line.append(" [").append(detail.length() > 160 ? detail.substring(0, 160) + "…" : detail).append(']');
    }
    return line.toString();
  }
}
