package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The input of {@link SystemActions#CREATE_DOCUMENT} (scope {@code document}, index 0 of the
 * document stream). JSON shape, as the job executor writes it and read models parse it:
 *
 * <pre>{@code
 * {
 *   "documentType": "quire/json",          // required
 *   "id": "doc-1",                         // required, equals the operation's documentId
 *   "slug": "my-doc",                      // optional
 *   "name": "My document",                 // optional
 *   "state": { "global": {...}, "local": {...} },  // optional: initial state per model scope
 *   "version": 1                           // optional: the model version the document starts at
 * }
 * }</pre>
 *
 * <p>Scopes missing from {@code state} start from {@link DocumentModel#initialState(String)}.
 *
 * @param state initial state per scope (never the {@code document} scope); empty when not given
 * @param version null when not given (the model's {@link DocumentModel#version()} applies)
 */
public record CreateDocumentInput(
    String documentType, String id, String slug, String name, Map<String, JsonNode> state, Integer version) {

  public CreateDocumentInput {
    requireText(documentType, "documentType");
    requireText(id, "id");
    slug = slug == null || slug.isEmpty() ? null : slug;
    state = state == null ? Map.of() : Map.copyOf(state);
    if (state.containsKey(Scopes.DOCUMENT)) {
      throw new IllegalArgumentException("CREATE_DOCUMENT state must not set the document scope");
    }
  }

  public static CreateDocumentInput of(String documentType, String id) {
    return new CreateDocumentInput(documentType, id, null, null, null, null);
  }

  /**
   * Parses an action input.
   *
   * @throws InvalidActionException when a required field is missing or a field has the wrong type
   */
  public static CreateDocumentInput fromJson(JsonNode input) {
    String type = SystemActions.CREATE_DOCUMENT;
    if (input == null || !input.isObject()) {
      throw new InvalidActionException(type, "CREATE_DOCUMENT input must be an object");
    }
    Map<String, JsonNode> state = new LinkedHashMap<>();
    JsonNode stateNode = input.get("state");
    if (stateNode != null && !stateNode.isNull()) {
      if (!stateNode.isObject()) {
        throw new InvalidActionException(type, "CREATE_DOCUMENT state must be an object of scope states");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = stateNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        state.put(entry.getKey(), entry.getValue());
      }
    }
    JsonNode versionNode = input.get("version");
    Integer version = null;
    if (versionNode != null && !versionNode.isNull()) {
      if (!versionNode.canConvertToInt() || !versionNode.isIntegralNumber()) {
        throw new InvalidActionException(type, "CREATE_DOCUMENT version must be an integer");
      }
      version = versionNode.intValue();
    }
    try {
      return new CreateDocumentInput(
          JsonFields.text(type, input, "documentType"),
          JsonFields.text(type, input, "id"),
          JsonFields.text(type, input, "slug"),
          JsonFields.text(type, input, "name"),
          state,
          version);
    } catch (IllegalArgumentException e) {
      throw new InvalidActionException(type, e.getMessage(), e);
    }
  }

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("documentType", documentType);
    node.put("id", id);
    if (slug != null) {
      node.put("slug", slug);
    }
    if (name != null) {
      node.put("name", name);
    }
    if (!state.isEmpty()) {
      ObjectNode states = node.putObject("state");
      state.forEach(states::set);
    }
    if (version != null) {
      node.put("version", version);
    }
    return node;
  }

  private static void requireText(String value, String field) {
    if (Objects.requireNonNullElse(value, "").isEmpty()) {
      throw new IllegalArgumentException("CREATE_DOCUMENT " + field + " must not be empty");
    }
  }
}
