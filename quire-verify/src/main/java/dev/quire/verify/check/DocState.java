package dev.quire.verify.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A document as a read model holds it at the end of a run.
 *
 * @param found false when the read model says no live document has the id
 * @param global the {@code global} scope state
 * @param revision per scope, the index the next operation takes
 */
public record DocState(boolean found, JsonNode global, Map<String, Long> revision) {

  public DocState {
    revision = revision == null ? Map.of() : Map.copyOf(new TreeMap<>(revision));
  }

  public static DocState absent() {
    return new DocState(false, null, Map.of());
  }

  /** {@code /items} of the global state, in order. */
  public List<String> items() {
    return items(global);
  }

  public Map<String, Long> counters() {
    return counters(global);
  }

  public static List<String> items(JsonNode state) {
    List<String> items = new ArrayList<>();
    if (state != null && state.path("items").isArray()) {
      state.path("items").forEach(item -> items.add(item.asText()));
    }
    return items;
  }

  public static Map<String, Long> counters(JsonNode state) {
    Map<String, Long> counters = new LinkedHashMap<>();
    if (state != null && state.path("counters").isObject()) {
      state.path("counters").properties().forEach(e -> counters.put(e.getKey(), e.getValue().asLong()));
    }
    return counters;
  }

  @Override
  public String toString() {
    return found ? "global=" + global + " revision=" + revision : "absent";
  }
}
