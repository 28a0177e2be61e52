package dev.quire;

import dev.quire.index.Direction;
import dev.quire.index.Relationship;
import dev.quire.job.Job;
import dev.quire.job.JobKind;
import dev.quire.model.Action;
import dev.quire.model.SystemActions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans a cascading delete ({@link Reactor#delete} with {@code cascade}) from the indexer and the
 * view as they are now.
 *
 * <p>The deleted set starts with the root and grows to a fixed point: a {@code child} target of a
 * deleted document joins when every live source of its incoming {@code child} edges is deleted too
 * (a descendant with another live parent is kept). Jobs, submitted atomically in this order:
 * <ol>
 *   <li>per live document outside the set that holds edges to the root: REMOVE_RELATIONSHIP of
 *       those edges;
 *   <li>per deleted descendant: REMOVE_RELATIONSHIP of each of its outgoing edges, then
 *       DELETE_DOCUMENT;
 *   <li>the root likewise, depending on every job above, so awaiting it awaits the cascade.
 * </ol>
 * Each document's own edges are removed in its own job before its delete, so no job writes to a
 * document already deleted.
 */
final class CascadeDelete {

  private static final Set<String> CHILD = Set.of(SystemActions.CHILD_RELATIONSHIP);

  private final Reactor reactor;

  CascadeDelete(Reactor reactor) {
    this.reactor = reactor;
  }

  List<Job> plan(String rootId) {
    Set<String> deleted = deletedSet(rootId);
    List<Job> jobs = new ArrayList<>();
    // 1. Live outside documents pointing at the root.
    Map<String, List<Relationship>> outsideEdges = new LinkedHashMap<>();
    for (Relationship edge : reactor.allRelationships(rootId, Direction.INCOMING, null)) {
      if (!deleted.contains(edge.sourceId())) {
        outsideEdges.computeIfAbsent(edge.sourceId(), s -> new ArrayList<>()).add(edge);
      }
    }
    List<String> sources = new ArrayList<>(outsideEdges.keySet());
    List<Boolean> live =
        sources.isEmpty() ? List.of() : reactor.join(reactor.documentView().exists(sources, reactor.options(null)));
    for (int i = 0; i < sources.size(); i++) {
      if (live.get(i)) {
        List<Action> removals = outsideEdges.get(sources.get(i)).stream().map(CascadeDelete::removal).toList();
        jobs.add(reactor.newJob(JobKind.RELATIONSHIP, sources.get(i), null, removals, List.of(), Map.of()));
      }
    }
    // 2. Descendants, then 3. the root.
    List<String> descendants = new ArrayList<>(deleted);
    descendants.remove(rootId);
    for (String id : descendants) {
      jobs.add(deleteJob(id, rootId, List.of()));
    }
    jobs.add(deleteJob(rootId, rootId, jobs.stream().map(Job::id).toList()));
    return jobs;
  }

  private Job deleteJob(String documentId, String rootId, List<String> dependencies) {
    List<Action> actions = new ArrayList<>();
    for (Relationship edge : reactor.allRelationships(documentId, Direction.OUTGOING, null)) {
      actions.add(removal(edge));
    }
    actions.add(Reactor.deleteAction(documentId));
    return reactor.newJob(JobKind.DELETE, documentId, null, actions, dependencies, Map.of("cascadeRoot", rootId));
  }

  private Set<String> deletedSet(String rootId) {
    Set<String> deleted = new LinkedHashSet<>();
    deleted.add(rootId);
    boolean grew = true;
    // Fixed point: a child kept because of a parent outside the set may qualify once that parent joins.
    while (grew) {
      grew = false;
      Set<String> candidates = new LinkedHashSet<>();
      for (String id : deleted) {
        for (Relationship edge : reactor.allRelationships(id, Direction.OUTGOING, CHILD)) {
          if (!deleted.contains(edge.targetId())) {
            candidates.add(edge.targetId());
          }
        }
      }
      for (String candidate : candidates) {
        if (hasNoOtherLiveParent(candidate, deleted)) {
          deleted.add(candidate);
          grew = true;
        }
      }
    }
    return deleted;
  }

  private boolean hasNoOtherLiveParent(String id, Set<String> deleted) {
    List<String> outsideParents = new ArrayList<>();
    for (Relationship edge : reactor.allRelationships(id, Direction.INCOMING, CHILD)) {
      if (!deleted.contains(edge.sourceId())) {
        outsideParents.add(edge.sourceId());
      }
    }
    if (outsideParents.isEmpty()) {
      return true;
    }
    return !reactor.join(reactor.documentView().exists(outsideParents, reactor.options(null))).contains(true);
  }

  private static Action removal(Relationship edge) {
    return Reactor.relationshipAction(SystemActions.REMOVE_RELATIONSHIP, edge.sourceId(), edge.targetId(),
        edge.type(), null);
  }
}
