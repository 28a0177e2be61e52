package dev.quire.listener;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Action;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.time.Instant;

/** Operations for the listener tests. */
final class ListenerTestOperations {

  static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

  private ListenerTestOperations() {}

  static OperationWithContext op(String documentType, String documentId, String actionType, long index, long ordinal,
      JsonNode input, JsonNode context) {
    Action action = new Action("a-" + documentId + "-" + index, actionType, "global", TIME, input, context);
    Operation operation = new Operation(documentId + "#" + index, index, 0, TIME.plusSeconds(index), "h", action, null);
    return new OperationWithContext(operation, documentId, documentType, "global", "main", ordinal, null);
  }

  static OperationWithContext op(String documentType, String documentId, String actionType, long index, long ordinal) {
    return op(documentType, documentId, actionType, index, ordinal, null, null);
  }
}
