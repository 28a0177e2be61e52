package dev.quire.verify.history;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a successful read returned.
 *
 * @param found false when the read answered "no such (live) document"
 * @param items the document's {@code /items}, in order (empty for edge reads)
 * @param counters the document's {@code /counters} (client → sequence)
 * @param edges targets of the document's outgoing {@code link} edges (edge reads only)
 */
public record ReadResult(boolean found, List<String> items, Map<String, Long> counters, Set<String> edges) {

  public ReadResult {
    items = items == null ? List.of() : List.copyOf(items);
    counters = counters == null ? Map.of() : Map.copyOf(counters);
    edges = edges == null ? Set.of() : Set.copyOf(edges);
  }

  public static ReadResult notFound() {
    return new ReadResult(false, List.of(), Map.of(), Set.of());
  }

  public static ReadResult document(List<String> items, Map<String, Long> counters) {
    return new ReadResult(true, items, counters, Set.of());
  }

  public static ReadResult edges(Set<String> targets) {
    return new ReadResult(true, List.of(), Map.of(), targets);
  }

  @Override
  public String toString() {
    if (!found) {
      return "not-found";
    }
    if (!edges.isEmpty()) {
      return "edges=" + new TreeSet<>(edges);
    }
    if (items.isEmpty() && counters.isEmpty()) {
      return "nothing (no items, no edges)";
    }
    return counters.isEmpty() ? "items=" + items : "items=" + items + " counters=" + counters;
  }
}
