package dev.quire.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DocumentIndexer} held in memory; the reference the {@code DocumentIndexerConformance}
 * suite holds every backend to.
 *
 * <p><b>Indexing.</b> Relationship operations ({@link RelationshipInput}, scope {@code document} of
 * the source document, main branch) change the graph; every other operation only advances the
 * tracker. ADD is idempotent (a repeated add keeps the first {@code createdAt} and metadata), REMOVE
 * of a missing edge does nothing, UPDATE replaces the metadata and sets {@code updatedAt}, keeping
 * {@code createdAt}. Edge times are the operation's timestamp, so a rebuild from the store gives
 * the same graph. An operation whose index is not above the last one applied on its stream is a
 * replay and is skipped, so replaying an ADD after its REMOVE cannot resurrect the edge. Operations
 * recorded with an {@code error}, and relationship operations whose input is invalid (the executor
 * refuses those, so only a foreign store could hold one), are skipped with a warning.
 *
 * <p><b>Branches.</b> The query API has no branch, so the graph is the main branch's: relationship
 * operations on other branches advance the tracker and change nothing.
 *
 * <p>Concurrency: batches apply one at a time under {@code writeLock}; per-document edge maps are
 * immutable and replaced whole in concurrent maps, so queries take no lock and never see a map
 * mid-change. A multi-step query (a path search) may see a batch half-applied unless it waited
 * for a token that batch satisfies, because the tracker only moves after the whole batch.
 */
public final class InMemoryDocumentIndexer implements DocumentIndexer {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryDocumentIndexer.class);

  private final ConsistencyTracker tracker;
  private final Duration defaultTimeout;

  private final ReentrantLock writeLock = new ReentrantLock();
  /** sourceId → (targetId, type) → edge; inner maps immutable. */
  private final ConcurrentHashMap<String, Map<EdgeKey, Relationship>> outgoing = new ConcurrentHashMap<>();
  /** targetId → (sourceId, type) → edge; inner maps immutable. */
  private final ConcurrentHashMap<String, Map<EdgeKey, Relationship>> incoming = new ConcurrentHashMap<>();
  /** Live edges per relationship type. Guarded by writeLock for writes. */
  private final ConcurrentHashMap<String, Integer> typeCounts = new ConcurrentHashMap<>();
  /** The highest operation index applied per document stream. Guarded by writeLock. */
  private final Map<StreamKey, Long> applied = new HashMap<>();

  public InMemoryDocumentIndexer(ConsistencyTracker tracker, Duration defaultTimeout) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.defaultTimeout = ReadGate.requireTimeout(defaultTimeout);
  }

  public InMemoryDocumentIndexer(ConsistencyTracker tracker) {
    this(tracker, ReadGate.DEFAULT_TIMEOUT);
  }

  public InMemoryDocumentIndexer() {
    this(new ConsistencyTracker(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }

  // ---------------------------------------------------------------------------------- indexing

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    if (operations.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<ConsistencyCoordinate> coordinates = new ArrayList<>(operations.size());
    writeLock.lock();
    try {
      for (OperationWithContext op : operations) {
        apply(op);
        coordinates.add(op.coordinate());
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      writeLock.unlock();
    }
    tracker.update(coordinates);
    return CompletableFuture.completedFuture(null);
  }

  private void apply(OperationWithContext op) {
    Operation operation = op.operation();
    String type = operation.action().type();
    boolean relationship = SystemActions.ADD_RELATIONSHIP.equals(type)
        || SystemActions.REMOVE_RELATIONSHIP.equals(type)
        || SystemActions.UPDATE_RELATIONSHIP.equals(type);
    if (!relationship || !Scopes.DOCUMENT.equals(op.scope()) || !Scopes.MAIN_BRANCH.equals(op.branch())) {
      return;
    }
    Long last = applied.get(op.key());
    if (last != null && last >= operation.index()) {
      LOG.debug("document-indexer: {} already at index {}, ignoring index {}", op.key(), last, operation.index());
      return;
    }
    applied.put(op.key(), operation.index());
    if (operation.error() != null) {
      return;
    }
    RelationshipInput input;
    try {
      input = RelationshipInput.fromJson(type, operation.action().input(), op.documentId());
    } catch (InvalidActionException e) {
      LOG.warn("document-indexer: skipping {} at {}: {}", type, op.coordinate(), e.getMessage());
      return;
    }
    Instant at = operation.timestamp();
    switch (type) {
      case SystemActions.ADD_RELATIONSHIP -> {
        if (find(input) == null) {
          put(new Relationship(input.sourceId(), input.targetId(), input.relationshipType(),
              copy(input.metadata()), at, at));
          typeCounts.merge(input.relationshipType(), 1, Integer::sum);
        }
      }
      case SystemActions.REMOVE_RELATIONSHIP -> {
        if (find(input) != null) {
          remove(input);
          typeCounts.computeIfPresent(input.relationshipType(), (t, n) -> n > 1 ? n - 1 : null);
        }
      }
      default -> {
        Relationship existing = find(input);
        if (existing != null) {
          put(new Relationship(existing.sourceId(), existing.targetId(), existing.type(),
              copy(input.metadata()), existing.createdAt(), at));
        }
      }
    }
  }

  private Relationship find(RelationshipInput input) {
    Map<EdgeKey, Relationship> edges = outgoing.get(input.sourceId());
    return edges == null ? null : edges.get(new EdgeKey(input.targetId(), input.relationshipType()));
  }

  // Incoming first: a reader that finds the outgoing edge can then also find it from the target.
  private void put(Relationship edge) {
    replace(incoming, edge.targetId(), new EdgeKey(edge.sourceId(), edge.type()), edge);
    replace(outgoing, edge.sourceId(), new EdgeKey(edge.targetId(), edge.type()), edge);
  }

  private void remove(RelationshipInput input) {
    replace(outgoing, input.sourceId(), new EdgeKey(input.targetId(), input.relationshipType()), null);
    replace(incoming, input.targetId(), new EdgeKey(input.sourceId(), input.relationshipType()), null);
  }

  private static void replace(
      ConcurrentHashMap<String, Map<EdgeKey, Relationship>> index, String documentId, EdgeKey key, Relationship edge) {
    index.compute(documentId, (id, edges) -> {
      Map<EdgeKey, Relationship> next = edges == null ? new HashMap<>() : new HashMap<>(edges);
      if (edge == null) {
        next.remove(key);
      } else {
        next.put(key, edge);
      }
      return next.isEmpty() ? null : Map.copyOf(next);
    });
  }

  // ----------------------------------------------------------------------------------- queries

  @Override
  public CompletableFuture<Page<Relationship>> relationships(
      String documentId, Direction direction, Set<String> types, PageRequest page, ReadOptions read) {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(page, "page");
    // Decode before waiting: a bad cursor is the caller's error, whatever the token.
    EdgePosition after = page.cursor() == null ? null : EdgePosition.decode(page.cursor());
    Set<String> wanted = normalize(types);
    return afterToken(read, () -> {
      var index = direction == Direction.OUTGOING ? outgoing : incoming;
      List<Relationship> edges = sorted(index.get(documentId), wanted);
      List<Relationship> items = new ArrayList<>(Math.min(page.limit(), edges.size()));
      boolean more = false;
      for (Relationship edge : edges) {
        if (after != null && EdgePosition.of(edge).compareTo(after) <= 0) {
          continue;
        }
        if (items.size() == page.limit()) {
          more = true;
          break;
        }
        items.add(edge);
      }
      Optional<String> next =
          more ? Optional.of(EdgePosition.of(items.get(items.size() - 1)).encode()) : Optional.empty();
      return new Page<>(copies(items), next);
    });
  }

  @Override
  public CompletableFuture<Boolean> hasRelationship(
      String sourceId, String targetId, Set<String> types, ReadOptions read) {
    Set<String> wanted = normalize(types);
    return afterToken(read, () -> {
      Map<EdgeKey, Relationship> edges = outgoing.get(sourceId);
      return edges != null && edges.values().stream()
          .anyMatch(e -> e.targetId().equals(targetId) && matches(wanted, e.type()));
    });
  }

  @Override
  public CompletableFuture<Optional<List<String>>> findPath(
      String sourceId, String targetId, Set<String> types, ReadOptions read) {
    Set<String> wanted = normalize(types);
    return afterToken(read, () -> {
      if (sourceId.equals(targetId)) {
        return Optional.of(List.of(sourceId));
      }
      Map<String, String> parent = new HashMap<>();
      parent.put(sourceId, null);
      Deque<String> queue = new ArrayDeque<>(List.of(sourceId));
      while (!queue.isEmpty()) {
        String node = queue.removeFirst();
        for (Relationship edge : sorted(outgoing.get(node), wanted)) {
          String next = edge.targetId();
          if (parent.containsKey(next)) {
            continue;
          }
          parent.put(next, node);
          if (next.equals(targetId)) {
            List<String> path = new ArrayList<>();
            for (String step = next; step != null; step = parent.get(step)) {
              path.add(step);
            }
            Collections.reverse(path);
            return Optional.of(List.copyOf(path));
          }
          queue.addLast(next);
        }
      }
      return Optional.empty();
    });
  }

  @Override
  public CompletableFuture<Ancestors> ancestors(String documentId, Set<String> types, ReadOptions read) {
    Set<String> wanted = normalize(types);
    return afterToken(read, () -> {
      Set<String> nodes = new LinkedHashSet<>(List.of(documentId));
      List<Ancestors.Edge> edges = new ArrayList<>();
      Deque<String> queue = new ArrayDeque<>(List.of(documentId));
      while (!queue.isEmpty()) {
        String node = queue.removeFirst();
        for (Relationship edge : sorted(incoming.get(node), wanted)) {
          edges.add(new Ancestors.Edge(edge.sourceId(), edge.targetId(), edge.type()));
          if (nodes.add(edge.sourceId())) {
            queue.addLast(edge.sourceId());
          }
        }
      }
      return new Ancestors(List.copyOf(nodes), edges);
    });
  }

  @Override
  public CompletableFuture<Set<String>> relationshipTypes(ReadOptions read) {
    return afterToken(read, () -> Collections.unmodifiableSortedSet(new TreeSet<>(typeCounts.keySet())));
  }

  private static List<Relationship> sorted(Map<EdgeKey, Relationship> edges, Set<String> wanted) {
    if (edges == null) {
      return List.of();
    }
    List<Relationship> list = new ArrayList<>(edges.size());
    for (Relationship edge : edges.values()) {
      if (matches(wanted, edge.type())) {
        list.add(edge);
      }
    }
    list.sort(EdgePosition.ORDER);
    return list;
  }

  private static boolean matches(Set<String> wanted, String type) {
    return wanted.isEmpty() || wanted.contains(type);
  }

  private static Set<String> normalize(Collection<String> types) {
    return types == null ? Set.of() : new HashSet<>(types);
  }

  private static List<Relationship> copies(List<Relationship> edges) {
    List<Relationship> out = new ArrayList<>(edges.size());
    for (Relationship e : edges) {
      out.add(new Relationship(e.sourceId(), e.targetId(), e.type(), copy(e.metadata()), e.createdAt(), e.updatedAt()));
    }
    return out;
  }

  private static JsonNode copy(JsonNode node) {
    return node == null ? null : node.deepCopy();
  }

  private <T> CompletableFuture<T> afterToken(ReadOptions read, Supplier<T> query) {
    return ReadGate.await(tracker, read == null ? ReadOptions.NONE : read, defaultTimeout)
        .thenApply(ignored -> query.get());
  }

  /** An edge seen from one end: the other end and the type. */
  private record EdgeKey(String otherId, String type) {}

  @Override
  public String toString() {
    return "InMemoryDocumentIndexer[" + outgoing.size() + " sources, types=" + typeCounts.keySet() + "]";
  }
}
