package dev.quire.verify.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.StreamKey;
import dev.quire.model.SystemActions;
import dev.quire.model.builtin.JsonDocumentModel;
import java.util.Objects;

/**
 * One operation as the store holds it at the end of a run (the source of truth the history is
 * checked against).
 *
 * @param error non-null when the operation was recorded as rejected by its reducer
 */
public record StoredOp(StreamKey stream, long index, String actionId, String actionType, JsonNode input, String error) {

  public StoredOp {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(actionType, "actionType");
  }

  /** The element an APPEND's PATCH added to {@code /items}, or null if this is not such an operation. */
  public String appendedElement() {
    if (!JsonDocumentModel.PATCH.equals(actionType) || input == null) {
      return null;
    }
    JsonNode operations = input.get("operations");
    if (operations == null || !operations.isArray() || operations.isEmpty()) {
      return null;
    }
    JsonNode first = operations.get(0);
    if (!"add".equals(first.path("op").asText()) || !"/items/-".equals(first.path("path").asText())) {
      return null;
    }
    return first.path("value").asText(null);
  }

  /** For {@code SET /counters/<client>}: the client; else null. */
  public String counterClient() {
    if (!JsonDocumentModel.SET.equals(actionType) || input == null) {
      return null;
    }
    String path = input.path("path").asText("");
    return path.startsWith("/counters/") ? path.substring("/counters/".length()) : null;
  }

  /** The target of an ADD/REMOVE_RELATIONSHIP of type {@code link}, or null. */
  public String linkTarget() {
    if (!isEdgeAction() || input == null || !"link".equals(input.path("relationshipType").asText())) {
      return null;
    }
    return input.path("targetId").asText(null);
  }

  public boolean isEdgeAction() {
    return SystemActions.ADD_RELATIONSHIP.equals(actionType) || SystemActions.REMOVE_RELATIONSHIP.equals(actionType)
        || SystemActions.UPDATE_RELATIONSHIP.equals(actionType);
  }

  public String describe() {
    String what = appendedElement() != null ? "append " + appendedElement()
        : linkTarget() != null ? actionType + " → " + linkTarget()
        : actionType + (input != null && counterClient() != null ? " " + input : "");
    return stream + "@" + index + " " + what + (error != null ? " (error: " + error + ")" : "");
  }
}
