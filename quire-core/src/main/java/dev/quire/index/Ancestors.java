package dev.quire.index;

import java.util.List;

/** The result of {@link DocumentIndexer#ancestors}: every node reached (the start included) and the edges walked. */
public record Ancestors(List<String> nodes, List<Edge> edges) {

  public record Edge(String from, String to, String type) {}

  public Ancestors {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }
}
