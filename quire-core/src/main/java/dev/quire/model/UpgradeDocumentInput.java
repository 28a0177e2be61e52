package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The input of {@link SystemActions#UPGRADE_DOCUMENT} (scope {@code document}). JSON shape:
 *
 * <pre>{@code
 * { "version": 2, "state": { "global": {...} } }   // state optional
 * }</pre>
 *
 * <p>Scopes listed in {@code state} are replaced wholesale (the upgrade vouches for them); other
 * scopes keep their snapshot.
 */
public record UpgradeDocumentInput(int version, Map<String, JsonNode> state) {

  public UpgradeDocumentInput {
    state = state == null ? Map.of() : Map.copyOf(state);
    if (state.containsKey(Scopes.DOCUMENT)) {
      throw new IllegalArgumentException("UPGRADE_DOCUMENT state must not set the document scope");
    }
  }

  /**
   * @throws InvalidActionException when {@code version} is missing or not an integer, or
   *     {@code state} is not an object
   */
  public static UpgradeDocumentInput fromJson(JsonNode input) {
    String type = SystemActions.UPGRADE_DOCUMENT;
    if (input == null || !input.isObject()) {
      throw new InvalidActionException(type, "UPGRADE_DOCUMENT input must be an object");
    }
    JsonNode versionNode = input.get("version");
    if (versionNode == null || !versionNode.isIntegralNumber() || !versionNode.canConvertToInt()) {
      throw new InvalidActionException(type, "UPGRADE_DOCUMENT version must be an integer");
    }
    Map<String, JsonNode> state = new LinkedHashMap<>();
    JsonNode stateNode = input.get("state");
    if (stateNode != null && !stateNode.isNull()) {
      if (!stateNode.isObject()) {
        throw new InvalidActionException(type, "UPGRADE_DOCUMENT state must be an object of scope states");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = stateNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        state.put(entry.getKey(), entry.getValue());
      }
    }
    try {
      return new UpgradeDocumentInput(versionNode.intValue(), state);
    } catch (IllegalArgumentException e) {
      throw new InvalidActionException(type, e.getMessage(), e);
    }
  }

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("version", version);
    if (!state.isEmpty()) {
      ObjectNode states = node.putObject("state");
      state.forEach(states::set);
    }
    return node;
  }
}
