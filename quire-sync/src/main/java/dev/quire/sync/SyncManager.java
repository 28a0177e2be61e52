package dev.quire.sync;

import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.event.EventType;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates documents between Quire servers. Holds the remotes (persisted in a {@link SyncStore}
 * with their cursors), runs one {@link RemoteLink} per remote, serves this replica's feed and
 * applies pushed operations, keeps dead letters, and translates cross-replica tokens.
 *
 * <p>Local writes wake the push links ({@code OPERATION_WRITTEN}); what to push is re-derived from
 * the operation store after the link's cursor, so nothing is lost when a wake-up is missed or the
 * process restarts. Incoming operations become LOAD jobs through the reactor's own queue, executor
 * and read models ({@link Inbound}).
 *
 * <p>Concurrency: remotes are guarded by {@code this}; links run on their own threads.
 */
public final class SyncManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncManager.class);

  private final Reactor reactor;
  private final SyncStore store;
  private final Feed feed;
  private final Inbound inbound;
  private final CrossTokens tokens;
  private final HttpClient http;
  private final Map<String, RemoteLink> links = new LinkedHashMap<>();
  private Subscription written;
  private boolean started;
  private boolean closed;

  public SyncManager(Reactor reactor, SyncStore store) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.store = Objects.requireNonNull(store, "store");
    this.feed = new Feed(reactor, store);
    this.inbound = new Inbound(reactor, store,
        letter -> emit(SyncEvents.DEAD_LETTER_ADDED, new SyncEvents.DeadLetterAdded(letter)));
    this.tokens = new CrossTokens(reactor);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Starts a link for every stored remote and listens for local writes. */
  public synchronized SyncManager start() {
    requireOpen();
    if (started) {
      return this;
    }
    started = true;
    written = reactor.events().subscribe(QuireEvents.OPERATION_WRITTEN, event -> wakePushLinks());
    for (Remote remote : store.remotes()) {
      startLink(remote);
    }
    return this;
  }

  public String nodeId() {
    return store.nodeId();
  }

  /**
   * Adds a remote and starts syncing with it from ordinal 0 (a backfill: everything matching the
   * filter is exchanged; what the other side has is a no-op there).
   *
   * @throws IllegalArgumentException when a remote of that name exists
   */
  public synchronized Remote add(String name, String url, RemoteFilter filter, RemoteOptions options) {
    requireOpen();
    Remote remote = new Remote(name, url, filter, options);
    if (links.containsKey(name) || store.remotes().stream().anyMatch(r -> r.name().equals(name))) {
      throw new IllegalArgumentException("Remote with name '" + name + "' already exists");
    }
    store.putRemote(remote);
    if (started) {
      startLink(remote);
    }
    return remote;
  }

  /** Stops the link and forgets the remote and its cursors. */
  public void remove(String name) {
    RemoteLink link;
    synchronized (this) {
      link = links.remove(name);
      if (link == null && store.remotes().stream().noneMatch(r -> r.name().equals(name))) {
        throw new NoSuchElementException("Remote with name '" + name + "' does not exist");
      }
      store.removeRemote(name);
    }
    if (link != null) {
      link.stop();
    }
  }

  public synchronized List<Remote> list() {
    return store.remotes();
  }

  public synchronized RemoteStatus status(String name) {
    return link(name).status();
  }

  public synchronized List<RemoteStatus> statuses() {
    return links.values().stream().map(RemoteLink::status).toList();
  }

  /** Stops moving operations with a remote (as if the network were down); cursors are kept. */
  public synchronized void pause(String name) {
    link(name).pause();
  }

  public synchronized void resume(String name) {
    link(name).resume();
  }

  /** Runs the remote's next pull/push now instead of at the next poll. */
  public synchronized void trigger(String name) {
    link(name).wake();
  }

  // ------------------------------------------------------------------ serving side (HTTP handlers)

  /** This replica's operations after {@code after} for {@code peerNodeId} (its own left out). */
  public FeedPage feed(long after, int limit, String peerNodeId, RemoteFilter filter) {
    return feed.page(after, Math.max(1, Math.min(limit, 5_000)), peerNodeId, filter == null ? RemoteFilter.ALL : filter);
  }

  /** Applies pushed operations; returns once they are applied and indexed here, or dead-lettered. */
  public PushResult receive(PushRequest request, Duration timeout) throws InterruptedException, TimeoutException {
    Inbound.Result result = inbound.apply("node:" + request.nodeId(), request.nodeId(), request.items(), timeout);
    return new PushResult(nodeId(), request.last(), result.applied(), result.deadLettered());
  }

  public long head() {
    return reactor.operationStore().lastOrdinal();
  }

  // ------------------------------------------------------------------------------ dead letters

  public List<DeadLetter> deadLetters() {
    List<DeadLetter> letters = new ArrayList<>(store.deadLetters());
    letters.sort(Comparator.comparing(DeadLetter::createdAt));
    return letters;
  }

  /**
   * Re-applies a dead letter and, if that works, the letters of the same stream that waited behind
   * it, in order. Returns the letters still dead afterwards for that stream.
   */
  public List<DeadLetter> retry(String id, Duration timeout) throws InterruptedException, TimeoutException {
    DeadLetter first = store.deadLetter(id)
        .orElseThrow(() -> new NoSuchElementException("No dead letter " + id));
    List<DeadLetter> sameStream = deadLetters().stream()
        .filter(l -> l.streamKey().equals(first.streamKey())
            || (l.documentId().equals(first.documentId()) && l.branch().equals(first.branch())
                && "document".equals(first.scope())))
        .toList();
    for (DeadLetter letter : sameStream) {
      if (!inbound.retry(letter, timeout)) {
        break;
      }
      store.removeDeadLetter(letter.id());
    }
    return deadLetters().stream().filter(l -> l.streamKey().equals(first.streamKey())).toList();
  }

  /** Drops a dead letter for good. */
  public void discard(String id) {
    store.deadLetter(id).orElseThrow(() -> new NoSuchElementException("No dead letter " + id));
    store.removeDeadLetter(id);
  }

  // ------------------------------------------------------------------------------------ tokens

  /** A token naming the operations of {@code token} by action id; presentable to any replica. */
  public String exportToken(ConsistencyToken token) {
    return tokens.export(token);
  }

  /**
   * Completes with a local token once every operation the cross token names has been received
   * here; reading with that token then waits until they are indexed. Fails with a timeout.
   */
  public CompletableFuture<ConsistencyToken> awaitToken(String crossToken, Duration timeout) {
    return tokens.await(crossToken, timeout);
  }

  @Override
  public void close() {
    List<RemoteLink> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (written != null) {
        written.unsubscribe();
      }
      toStop = new ArrayList<>(links.values());
      links.clear();
    }
    toStop.forEach(RemoteLink::stop);
  }

  // ------------------------------------------------------------------------------------ internal

  SyncStore store() {
    return store;
  }

  Feed feed() {
    return feed;
  }

  Inbound inbound() {
    return inbound;
  }

  <T> void emit(EventType<T> type, T event) {
    try {
      reactor.events().emit(type, event);
    } catch (RuntimeException e) {
      log.warn("emitting {} failed", type, e);
    }
  }

  private void startLink(Remote remote) {
    RemoteLink link = new RemoteLink(remote, this, http);
    links.put(remote.name(), link);
    link.start();
  }

  private synchronized void wakePushLinks() {
    for (RemoteLink link : links.values()) {
      if (link.remote().options().direction().pushes()) {
        link.wake();
      }
    }
  }

  private RemoteLink link(String name) {
    RemoteLink link = links.get(name);
    if (link == null) {
      throw new NoSuchElementException("Remote with name '" + name + "' does not exist");
    }
    return link;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("The sync manager is closed");
    }
  }
}
