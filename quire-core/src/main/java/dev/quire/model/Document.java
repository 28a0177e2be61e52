package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/** A document as read from the document view: its header and one state per scope. */
public record Document(DocumentHeader header, Map<String, JsonNode> state) {

  public Document {
    Objects.requireNonNull(header, "header");
    state = state == null ? Map.of() : Map.copyOf(state);
  }

  public String id() {
    return header.id();
  }

  /** The state of {@code scope}, or null when the document has no such scope. */
  public JsonNode state(String scope) {
    return state.get(scope);
  }
}
