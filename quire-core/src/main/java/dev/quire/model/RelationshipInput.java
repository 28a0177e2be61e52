package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The input of {@link SystemActions#ADD_RELATIONSHIP}, {@link SystemActions#REMOVE_RELATIONSHIP}
 * and {@link SystemActions#UPDATE_RELATIONSHIP}, all in scope {@code document} of the SOURCE
 * document. JSON shape:
 *
 * <pre>{@code
 * {
 *   "sourceId": "parent",        // optional, defaults to the operation's documentId; must equal it
 *   "targetId": "child",         // required, must differ from sourceId
 *   "relationshipType": "child", // required, free string ("child" is the parent->child convention)
 *   "metadata": {...}            // optional; ignored by REMOVE; UPDATE with absent/null sets it to null
 * }
 * }</pre>
 *
 * @param metadata null when absent or JSON null
 */
public record RelationshipInput(String sourceId, String targetId, String relationshipType, JsonNode metadata) {

  public RelationshipInput {
    requireText(sourceId, "sourceId");
    requireText(targetId, "targetId");
    requireText(relationshipType, "relationshipType");
    if (sourceId.equals(targetId)) {
      throw new IllegalArgumentException(
          "relationship sourceId and targetId must differ (self-relationships are not allowed): " + sourceId);
    }
    metadata = metadata == null || metadata.isNull() || metadata.isMissingNode() ? null : metadata;
  }

  /**
   * Parses the input of a relationship action written on {@code documentId}.
   *
   * @throws InvalidActionException when a required field is missing, a field has the wrong type,
   *     {@code sourceId} is not {@code documentId}, or source and target are the same
   */
  public static RelationshipInput fromJson(String actionType, JsonNode input, String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    if (input == null || !input.isObject()) {
      throw new InvalidActionException(actionType, actionType + " input must be an object");
    }
    String sourceId = JsonFields.text(actionType, input, "sourceId");
    if (sourceId == null) {
      sourceId = documentId;
    } else if (!sourceId.equals(documentId)) {
      throw new InvalidActionException(actionType, actionType + " sourceId " + sourceId
          + " must equal the document it is written on (" + documentId + ")");
    }
    try {
      return new RelationshipInput(
          sourceId,
          JsonFields.text(actionType, input, "targetId"),
          JsonFields.text(actionType, input, "relationshipType"),
          input.get("metadata"));
    } catch (IllegalArgumentException e) {
      throw new InvalidActionException(actionType, actionType + ": " + e.getMessage(), e);
    }
  }

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("sourceId", sourceId);
    node.put("targetId", targetId);
    node.put("relationshipType", relationshipType);
    if (metadata != null) {
      node.set("metadata", metadata);
    }
    return node;
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
  }
}
