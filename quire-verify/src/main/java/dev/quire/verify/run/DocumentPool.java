package dev.quire.verify.run;

import dev.quire.consistency.ConsistencyToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the clients share: documents open for appends, a bulletin of recent (document, token) pairs
 * that lets one client read with another client's token, and per document the merge of every token
 * its acknowledged writes returned (for the final reads).
 *
 * <p>Concurrency: the open list and the bulletin are guarded by {@code this}; tokens and counts live
 * in concurrent maps.
 */
final class DocumentPool {

  record Posted(String documentId, ConsistencyToken token) {}

  private static final int BULLETIN_SIZE = 256;

  private final int maxItemsPerDocument;
  private final List<String> open = new ArrayList<>();
  private final Posted[] bulletin = new Posted[BULLETIN_SIZE];
  private long posts;
  private final Map<String, AtomicInteger> appends = new ConcurrentHashMap<>();
  private final Map<String, ConsistencyToken> tokens = new ConcurrentHashMap<>();

  DocumentPool(int maxItemsPerDocument) {
    this.maxItemsPerDocument = maxItemsPerDocument;
  }

  synchronized void add(String documentId) {
    open.add(documentId);
  }

  synchronized int openCount() {
    return open.size();
  }

  synchronized Optional<String> pick(Random random) {
    return open.isEmpty() ? Optional.empty() : Optional.of(open.get(random.nextInt(open.size())));
  }

  /** Takes a document out of the pool (it is being deleted, or full). */
  synchronized boolean retire(String documentId) {
    return open.remove(documentId);
  }

  /** Counts an append attempt; retires the document once it holds enough. */
  void appended(String documentId) {
    if (appends.computeIfAbsent(documentId, d -> new AtomicInteger()).incrementAndGet() >= maxItemsPerDocument) {
      retire(documentId);
    }
  }

  /** Records an acknowledged write's token. */
  void acknowledged(String documentId, ConsistencyToken token) {
    if (token.isEmpty()) {
      return;
    }
    tokens.merge(documentId, token, ConsistencyToken::merge);
    synchronized (this) {
      bulletin[(int) (posts++ % BULLETIN_SIZE)] = new Posted(documentId, token);
    }
  }

  synchronized Optional<Posted> recentPost(Random random) {
    long available = Math.min(posts, BULLETIN_SIZE);
    return available == 0 ? Optional.empty() : Optional.of(bulletin[random.nextInt((int) available)]);
  }

  Map<String, ConsistencyToken> tokens() {
    return Map.copyOf(tokens);
  }
}
