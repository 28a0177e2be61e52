package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to change one scope of a document. {@code id} is chosen by the client (or generated)
 * and makes a retried write idempotent: the operation id is derived from it.
 *
 * @param context optional caller metadata (user, correlation id, signatures); may be null
 */
public record Action(String id, String type, String scope, Instant timestamp, JsonNode input, JsonNode context) {

  public Action {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("Action id must not be empty");
    }
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("Action type must not be empty");
    }
    if (scope == null || scope.isEmpty()) {
      throw new IllegalArgumentException("Action scope must not be empty");
    }
    Objects.requireNonNull(timestamp, "timestamp");
    input = input == null ? NullNode.getInstance() : input;
  }

  public static Action of(String type, String scope, JsonNode input) {
    return new Action(Ids.newId(), type, scope, Instant.now(), input, null);
  }
}
