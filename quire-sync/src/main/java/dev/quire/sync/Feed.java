package dev.quire.sync;

import dev.quire.Reactor;
import dev.quire.consistency.StreamKey;
import dev.quire.index.Ancestors;
import dev.quire.job.EffectiveHistory;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds pages of this replica's operations for a peer: operations with ordinal after a cursor,
 * only the ones still in their stream's effective history (a merge's superseded originals are
 * replaced by their re-appended copies), each with its base, minus what the peer itself sent
 * (echo suppression) and what the filter excludes.
 *
 * <p>Concurrency: stateless apart from the store reads; safe from any thread.
 */
final class Feed {

  private final Reactor reactor;
  private final SyncStore syncStore;

  Feed(Reactor reactor, SyncStore syncStore) {
    this.reactor = reactor;
    this.syncStore = syncStore;
  }

  /** @param peerNodeId the node asking (or being pushed to); its own operations are left out */
  FeedPage page(long after, int limit, String peerNodeId, RemoteFilter filter) {
    OperationStore store = reactor.operationStore();
    long head = store.lastOrdinal();
    List<OperationWithContext> raw = store.getSinceOrdinal(after, limit);
    long last = raw.isEmpty() ? Math.max(after, Math.min(after, head)) : raw.get(raw.size() - 1).ordinal();
    Map<StreamKey, List<OperationWithContext>> byStream = new LinkedHashMap<>();
    for (OperationWithContext op : raw) {
      byStream.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    Set<String> collection = filter.collection() == null ? null : collectionMembers(filter.collection());
    List<WireOperation> candidates = new ArrayList<>();
    for (Map.Entry<StreamKey, List<OperationWithContext>> entry : byStream.entrySet()) {
      StreamKey key = entry.getKey();
      OperationWithContext first = entry.getValue().get(0);
      if (!matches(filter, collection, key)) {
        continue;
      }
      Map<String, Long> ordinals = new HashMap<>();
      long lowest = Long.MAX_VALUE;
      for (OperationWithContext op : entry.getValue()) {
        ordinals.put(op.operation().id(), op.ordinal());
        lowest = Math.min(lowest, op.operation().index());
      }
      List<Operation> effective = effectiveFrom(store, key, lowest);
      for (int i = 0; i < effective.size(); i++) {
        Operation op = effective.get(i);
        Long ordinal = ordinals.get(op.id());
        if (ordinal == null) {
          continue;
        }
        String base = i == 0 ? null : effective.get(i - 1).action().id();
        candidates.add(new WireOperation(key.documentId(), first.documentType(), key.scope(), key.branch(), ordinal,
            base, op.action(), op.hash(), syncStore.nodeId()));
      }
    }
    List<WireOperation> items = candidates;
    if (peerNodeId != null && !candidates.isEmpty()) {
      Set<SyncStore.Received> echoes = syncStore.receivedFrom(peerNodeId, candidates.stream()
          .map(op -> new SyncStore.Received(op.streamKey(), op.action().id())).toList());
      if (!echoes.isEmpty()) {
        items = candidates.stream()
            .filter(op -> !echoes.contains(new SyncStore.Received(op.streamKey(), op.action().id()))).toList();
      }
    }
    return new FeedPage(syncStore.nodeId(), items, last, head);
  }

  /**
   * The stream's effective history, enough of it to place every operation from index {@code lowest}
   * on: without merges (no {@code skip} from {@code lowest - 1} to the head) that is the raw tail
   * from {@code lowest - 1}, which gives each operation its base; otherwise the whole history, since
   * a skip may reach back any distance. Reading the tail keeps a page's cost independent of how long
   * its documents' histories are.
   */
  private static List<Operation> effectiveFrom(OperationStore store, StreamKey key, long lowest) {
    if (lowest > 0) {
      List<Operation> tail = store.readStream(key, lowest - 2);
      if (tail.stream().noneMatch(op -> op.skip() > 0) && !tail.isEmpty() && tail.get(0).index() == lowest - 1) {
        return tail;
      }
    }
    return EffectiveHistory.of(store.readStream(key, -1));
  }

  private static boolean matches(RemoteFilter filter, Set<String> collection, StreamKey key) {
    if (!filter.documentIds().isEmpty() && !filter.documentIds().contains(key.documentId())) {
      return false;
    }
    if (!filter.scopes().isEmpty() && !filter.scopes().contains(key.scope())) {
      return false;
    }
    if (filter.branch() != null && !filter.branch().equals(key.branch())) {
      return false;
    }
    return collection == null || collection.contains(key.documentId());
  }

  /** The drive and every document that has it as a {@code child}-ancestor. */
  private Set<String> collectionMembers(String driveId) {
    // Walking descendants needs the indexer's outgoing edges; ancestors() of each candidate is
    // simpler and correct: a document belongs when the drive is among its ancestors.
    return new CollectionMembers(reactor, driveId).snapshot();
  }

  /** Membership of a drive collection, resolved through the document indexer. */
  static final class CollectionMembers {
    private final Reactor reactor;
    private final String driveId;

    CollectionMembers(Reactor reactor, String driveId) {
      this.reactor = reactor;
      this.driveId = driveId;
    }

    Set<String> snapshot() {
      return new java.util.AbstractSet<>() {
        @Override
        public boolean contains(Object o) {
          if (driveId.equals(o)) {
            return true;
          }
          try {
            Ancestors ancestors = reactor.documentIndexer()
                .ancestors((String) o, Set.of("child"), ReadOptions.NONE).get(5, TimeUnit.SECONDS);
            return ancestors.nodes().contains(driveId);
          } catch (Exception e) {
            return false;
          }
        }

        @Override
        public java.util.Iterator<String> iterator() {
          throw new UnsupportedOperationException("membership test only");
        }

        @Override
        public int size() {
          throw new UnsupportedOperationException("membership test only");
        }
      };
    }
  }
}
