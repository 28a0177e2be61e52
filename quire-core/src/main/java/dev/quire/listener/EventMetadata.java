package dev.quire.listener;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.model.OperationWithContext;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a domain event comes from: the operation it was mapped from.
 *
 * @param index the operation's index in its stream ({@code documentId:scope:branch})
 * @param ordinal the operation's store-wide ordinal (write order across streams)
 * @param timestamp when the action was applied
 * @param operationId the stored operation's id
 * @param actionType the action's type, e.g. {@code ADD_RESULT}
 * @param context the action's caller metadata (user, correlation id), or null when none was given
 * @param sequence position of this event among the events its operation mapped to, from 0
 */
public record EventMetadata(
    String documentId,
    String documentType,
    String scope,
    String branch,
    long index,
    long ordinal,
    Instant timestamp,
    String operationId,
    String actionType,
    JsonNode context,
    int sequence) {

  public EventMetadata {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(documentType, "documentType");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(actionType, "actionType");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
  }

  /** The metadata of event number {@code sequence} mapped from {@code operation}. */
  public static EventMetadata of(OperationWithContext operation, int sequence) {
    return new EventMetadata(
        operation.documentId(),
        operation.documentType(),
        operation.scope(),
        operation.branch(),
        operation.operation().index(),
        operation.ordinal(),
        operation.operation().timestamp(),
        operation.operation().id(),
        operation.operation().action().type(),
        operation.operation().action().context(),
        sequence);
  }

  public StreamKey stream() {
    return new StreamKey(documentId, scope, branch);
  }

  public ConsistencyCoordinate coordinate() {
    return new ConsistencyCoordinate(documentId, scope, branch, index);
  }

  /**
   * A stable, store-wide unique id of the event ({@code documentId:scope:branch@index#sequence}):
   * the same on every replay, so a listener can use it as an idempotency key.
   */
  public String eventId() {
    return stream() + "@" + index + "#" + sequence;
  }
}
