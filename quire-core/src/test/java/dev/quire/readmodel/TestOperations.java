package dev.quire.readmodel;

import dev.quire.consistency.StreamKey;
import dev.quire.event.QuireEvents.OperationWritten;
import dev.quire.model.Action;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Builders for the operations and events the coordinator tests feed in. */
final class TestOperations {

  static final String SCOPE = "global";
  static final String BRANCH = "main";
  private static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");
  private static final AtomicLong ORDINALS = new AtomicLong();

  private TestOperations() {}

  static StreamKey stream(String documentId) {
    return StreamKey.of(documentId, SCOPE, BRANCH);
  }

  /** Operation {@code index} of {@code documentId}'s global/main stream, id {@code documentId#index}. */
  static OperationWithContext op(String documentId, long index) {
    return op(documentId + "#" + index, documentId, index);
  }

  static OperationWithContext op(String id, String documentId, long index) {
    Action action = new Action("action-" + id, "SET_NAME", SCOPE, TIME, null, null);
    Operation operation = new Operation(id, index, 0, TIME, "hash-" + id, action, null);
    return new OperationWithContext(
        operation, documentId, "quire/test", SCOPE, BRANCH, ORDINALS.incrementAndGet(), null);
  }

  static OperationWritten written(String jobId, OperationWithContext... operations) {
    return new OperationWritten(jobId, List.of(operations));
  }

  static OperationWritten written(String jobId, List<OperationWithContext> operations) {
    return new OperationWritten(jobId, operations);
  }
}
