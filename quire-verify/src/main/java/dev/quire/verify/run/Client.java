package dev.quire.verify.run;

import dev.quire.consistency.ConsistencyToken;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.target.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * One workload client: a loop of random operations, one at a time, each recorded in the history.
 * The client owns a hub document whose edges only it changes, so it knows what its edge reads must
 * show; every append adds an element unique to the run ({@code <client>-<seq>}) with the client's
 * increasing sequence number as the counter.
 */
final class Client implements Runnable {

  private final String name;
  private final Target target;
  private final History history;
  private final DocumentPool pool;
  private final Random random;
  private final long endNanos;
  private final Duration thinkTime;
  private final boolean deletes;
  private final String hub;
  private final Set<String> hubEdges = new HashSet<>();
  private long seq;
  private int created;
  private String lastDocument;
  private ConsistencyToken lastToken = ConsistencyToken.empty();

  Client(String name, Target target, History history, DocumentPool pool, long seed, long endNanos, Duration thinkTime,
      boolean deletes) {
    this.name = name;
    this.target = target;
    this.history = history;
    this.pool = pool;
    this.random = new Random(seed);
    this.endNanos = endNanos;
    this.thinkTime = thinkTime;
    this.deletes = deletes;
    this.hub = "hub-" + name;
  }

  @Override
  public void run() {
    boolean hubReady = false;
    while (!hubReady && System.nanoTime() - endNanos < 0) {
      Op op = target.create(history.invoke(name, OpKind.CREATE, hub), hub);
      hubReady = op.outcome() == Outcome.OK || op.status().contains("exists");
      pause(hubReady ? Duration.ZERO : Duration.ofMillis(200));
    }
    while (System.nanoTime() - endNanos < 0 && !Thread.currentThread().isInterrupted()) {
      Op last = step();
      // While the server is down every call fails at once; do not spin.
      pause(last != null && last.status().equals("UNAVAILABLE") ? Duration.ofMillis(100) : thinkTime);
    }
  }

  /** One random operation (sometimes with a read right after it); returns the last one recorded, or null. */
  private Op step() {
    int dice = random.nextInt(100);
    if (dice < 5 || pool.openCount() < 3) {
      return create();
    } else if (dice < 45) {
      return pool.pick(random).map(this::append).orElse(null);
    } else if (dice < 55) {
      return pool.recentPost(random).map(post -> target.readDocument(
          history.invoke(name, OpKind.READ_DOC, post.documentId()), post.documentId(), post.token())).orElse(null);
    } else if (dice < 62) {
      return pool.pick(random).map(doc -> target.readDocument(history.invoke(name, OpKind.READ_DOC, doc), doc,
          ConsistencyToken.empty())).orElse(null);
    } else if (dice < 67) {
      if (!target.hasSideModel()) {
        return null;
      }
      return pool.recentPost(random).map(post -> target.readItems(
          history.invoke(name, OpKind.READ_ITEMS, post.documentId()), post.documentId(), post.token())).orElse(null);
    } else if (dice < 69) {
      return deletes ? pool.pick(random).map(this::delete).orElse(null) : null;
    } else if (dice < 85) {
      return edge();
    } else if (lastDocument != null) {
      return target.readDocument(history.invoke(name, OpKind.READ_DOC, lastDocument), lastDocument, lastToken);
    }
    return null;
  }

  private Op create() {
    String doc = "doc-" + name + "-" + created++;
    Op op = target.create(history.invoke(name, OpKind.CREATE, doc), doc);
    if (op.outcome() == Outcome.OK) {
      pool.acknowledged(doc, token(op));
      pool.add(doc);
    }
    return op;
  }

  private Op append(String doc) {
    long next = ++seq;
    String element = name + "-" + next;
    pool.appended(doc);
    Op op = target.append(history.invoke(name, OpKind.APPEND, doc).element(element, next), doc, name, element, next);
    if (op.outcome() != Outcome.OK) {
      return op;
    }
    ConsistencyToken token = token(op);
    pool.acknowledged(doc, token);
    lastDocument = doc;
    lastToken = token;
    int after = random.nextInt(10);
    if (after < 5) {
      return target.readDocument(history.invoke(name, OpKind.READ_DOC, doc), doc, token);
    } else if (after < 6 && target.hasSideModel()) {
      return target.readItems(history.invoke(name, OpKind.READ_ITEMS, doc), doc, token);
    }
    return op;
  }

  private Op delete(String doc) {
    if (!pool.retire(doc)) {
      return null; // another client took it first
    }
    Op op = target.delete(history.invoke(name, OpKind.DELETE, doc), doc);
    if (op.outcome() == Outcome.OK) {
      pool.acknowledged(doc, token(op));
    }
    return op;
  }

  private Op edge() {
    boolean add = hubEdges.isEmpty() || (hubEdges.size() < 30 && random.nextBoolean());
    String other;
    if (add) {
      Optional<String> picked = pool.pick(random);
      if (picked.isEmpty()) {
        return null;
      }
      other = picked.get(); // may already be an edge: a repeated add must change nothing
    } else {
      List<String> current = new ArrayList<>(hubEdges);
      other = current.get(random.nextInt(current.size()));
    }
    OpKind kind = add ? OpKind.ADD_EDGE : OpKind.REMOVE_EDGE;
    Op op = target.edge(history.invoke(name, kind, hub).target(other), add, hub, other);
    if (op.outcome() != Outcome.OK) {
      return op;
    }
    if (add) {
      hubEdges.add(other);
    } else {
      hubEdges.remove(other);
    }
    ConsistencyToken token = token(op);
    pool.acknowledged(hub, token);
    return target.readEdges(history.invoke(name, OpKind.READ_EDGES, hub), hub, token);
  }

  private static ConsistencyToken token(Op op) {
    return op.token().isEmpty() ? ConsistencyToken.empty() : ConsistencyToken.of(Instant.now(), op.token());
  }

  private static void pause(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration); // workload pacing, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
