package dev.quire.verify.check;

import dev.quire.consistency.StreamKey;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the system holds once faults stopped and everything had the chance to converge.
 *
 * @param streams every stream of every document of the run, from the operation store, index order
 * @param view per document of the run: the live document view's answer
 * @param rebuiltView per document: a fresh document view rebuilt from the store (null if not taken)
 * @param edges per document: the live relationship index's outgoing {@code link} targets
 * @param rebuiltEdges per document: the same from a fresh index rebuilt from the store (null if not taken)
 * @param sideItems per document: the fault-injected side read model's items (null when it was not used)
 * @param unconverged what did not settle (parked streams left, jobs not terminal, final token reads
 *     that did not succeed); empty when everything converged
 */
public record FinalState(
    Map<StreamKey, List<StoredOp>> streams,
    Map<String, DocState> view,
    Map<String, DocState> rebuiltView,
    Map<String, Set<String>> edges,
    Map<String, Set<String>> rebuiltEdges,
    Map<String, List<String>> sideItems,
    List<String> unconverged) {

  public FinalState {
    streams = Map.copyOf(streams);
    view = Map.copyOf(view);
    rebuiltView = rebuiltView == null ? null : Map.copyOf(rebuiltView);
    edges = edges == null ? Map.of() : Map.copyOf(edges);
    rebuiltEdges = rebuiltEdges == null ? null : Map.copyOf(rebuiltEdges);
    sideItems = sideItems == null ? null : Map.copyOf(sideItems);
    unconverged = unconverged == null ? List.of() : List.copyOf(unconverged);
  }
}
