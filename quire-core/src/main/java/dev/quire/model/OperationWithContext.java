package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import java.util.Objects;

/**
 * An operation as read models see it: where it belongs, its store-wide {@code ordinal} (monotonic
 * per store, assigned at append), and the state of its scope after it was applied.
 *
 * @param resultingState the scope state after this operation; null when the operation was read
 *     back from the store for catch-up (read models that need it re-reduce from their snapshot)
 */
public record OperationWithContext(
    Operation operation,
    String documentId,
    String documentType,
    String scope,
    String branch,
    long ordinal,
    JsonNode resultingState) {

  public OperationWithContext {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(documentType, "documentType");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(branch, "branch");
  }

  public StreamKey key() {
    return new StreamKey(documentId, scope, branch);
  }

  public ConsistencyCoordinate coordinate() {
    return new ConsistencyCoordinate(documentId, scope, branch, operation.index());
  }

  public OperationWithContext withOrdinal(long newOrdinal) {
    return new OperationWithContext(operation, documentId, documentType, scope, branch, newOrdinal, resultingState);
  }

  public OperationWithContext withResultingState(JsonNode state) {
    return new OperationWithContext(operation, documentId, documentType, scope, branch, ordinal, state);
  }
}
