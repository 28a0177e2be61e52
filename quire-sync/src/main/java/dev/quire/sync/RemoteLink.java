package dev.quire.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one remote: pull a page from the remote's feed and apply it, push a page of local
 * operations and wait for the remote's acknowledgement; repeat at once while there is more,
 * otherwise after the poll interval or when {@link #wake()}d. A failure backs off exponentially
 * with jitter. Cursors are persisted only after the page was applied here (pull) or acknowledged
 * there (push), so a crash repeats a page (harmless: loads are idempotent) and never skips one.
 *
 * <p>Concurrency: the loop runs on its own virtual thread; status fields are volatile and read by
 * any thread; {@link #wake()} and {@link #stop()} are safe from any thread.
 */
final class RemoteLink implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RemoteLink.class);
  private static final ObjectMapper MAPPER = Json.mapper();

  private final Remote remote;
  private final SyncManager owner;
  private final HttpClient http;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean stopped;
  private volatile boolean paused;
  private volatile Thread thread;
  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile String remoteNodeId;
  private volatile long pullLag;
  private volatile long pushLag;
  private volatile Instant lastSuccess;
  private volatile Instant lastFailure;
  private volatile String lastError;
  private volatile int failures;

  RemoteLink(Remote remote, SyncManager owner, HttpClient http) {
    this.remote = remote;
    this.owner = owner;
    this.http = http;
  }

  Remote remote() {
    return remote;
  }

  void start() {
    thread = Thread.ofVirtual().name("quire-sync-" + remote.name()).start(this);
  }

  void wake() {
    wake.release();
  }

  void pause() {
    paused = true;
    setState(ConnectionState.DISCONNECTED);
  }

  void resume() {
    paused = false;
    wake();
  }

  void stop() {
    stopped = true;
    wake();
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    setState(ConnectionState.STOPPED);
  }

  RemoteStatus status() {
    SyncStore store = owner.store();
    return new RemoteStatus(remote.name(), remote.url(), remoteNodeId, state,
        store.cursor(remote.name(), SyncStore.Cursor.PULL), store.cursor(remote.name(), SyncStore.Cursor.PUSH),
        pullLag, pushLag, lastSuccess, lastFailure, lastError, failures);
  }

  @Override
  public void run() {
    while (!stopped) {
      long delayMillis;
      if (paused) {
        delayMillis = remote.options().pollInterval().toMillis();
      } else {
        try {
          if (remoteNodeId == null) {
            remoteNodeId = info();
          }
          boolean more = false;
          if (remote.options().direction().pulls()) {
            more |= pullOnce();
          }
          if (remote.options().direction().pushes() && !paused) {
            more |= pushOnce();
          }
          failures = 0;
          lastSuccess = Instant.now();
          setState(paused ? ConnectionState.DISCONNECTED : ConnectionState.CONNECTED);
          delayMillis = more ? 0 : remote.options().pollInterval().toMillis();
        } catch (InterruptedException e) {
          if (stopped) {
            return;
          }
          delayMillis = 0;
        } catch (Exception e) {
          if (stopped) {
            return;
          }
          failures++;
          lastFailure = Instant.now();
          lastError = e.toString();
          delayMillis = backoffMillis(failures);
          log.debug("sync with {} failed (attempt {}), retrying in {} ms: {}", remote.name(), failures, delayMillis,
              e.toString());
          setState(ConnectionState.DISCONNECTED);
          owner.emit(SyncEvents.SYNC_FAILED, new SyncEvents.SyncFailed(remote.name(), null, e.toString(), delayMillis));
        }
      }
      if (delayMillis > 0) {
        try {
          wake.tryAcquire(delayMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          if (stopped) {
            return;
          }
        }
      }
      wake.drainPermits();
    }
  }

  /** {@code min(max, base·2^(n-1))}, jittered to [½, 1]×. */
  long backoffMillis(int failure) {
    long base = remote.options().retryBase().toMillis();
    long max = remote.options().retryMax().toMillis();
    double raw = Math.min(max, base * Math.pow(2, Math.min(30, failure - 1)));
    return Math.max(1, (long) (raw * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5)));
  }

  private boolean pullOnce() throws Exception {
    SyncStore store = owner.store();
    long after = store.cursor(remote.name(), SyncStore.Cursor.PULL);
    String query = "after=" + after + "&limit=" + remote.options().batchSize() + "&peer=" + enc(owner.nodeId())
        + "&filter=" + enc(MAPPER.writeValueAsString(remote.filter()));
    FeedPage page = get(SyncApi.PREFIX + "/feed?" + query, FeedPage.class);
    if (!page.items().isEmpty()) {
      owner.emit(SyncEvents.SYNC_PENDING,
          new SyncEvents.SyncPending(remote.name(), SyncStore.Cursor.PULL, page.items().size()));
      owner.inbound().apply(remote.name(), page.nodeId(), page.items(), remote.options().applyTimeout());
    }
    if (page.last() > after) {
      store.setCursor(remote.name(), SyncStore.Cursor.PULL, page.last());
      owner.emit(SyncEvents.SYNC_SUCCEEDED,
          new SyncEvents.SyncSucceeded(remote.name(), SyncStore.Cursor.PULL, page.items().size(), page.last()));
    }
    pullLag = Math.max(0, page.head() - page.last());
    return page.last() < page.head();
  }

  private boolean pushOnce() throws Exception {
    SyncStore store = owner.store();
    long after = store.cursor(remote.name(), SyncStore.Cursor.PUSH);
    FeedPage page = owner.feed().page(after, remote.options().batchSize(), remoteNodeId, remote.filter());
    pushLag = Math.max(0, page.head() - after);
    if (page.last() <= after) {
      return false;
    }
    long ack = page.last();
    if (!page.items().isEmpty()) {
      owner.emit(SyncEvents.SYNC_PENDING,
          new SyncEvents.SyncPending(remote.name(), SyncStore.Cursor.PUSH, page.items().size()));
      PushResult result = post(SyncApi.PREFIX + "/push", new PushRequest(owner.nodeId(), page.items(), page.last()),
          PushResult.class);
      ack = Math.min(ack, result.ack());
    }
    store.setCursor(remote.name(), SyncStore.Cursor.PUSH, ack);
    pushLag = Math.max(0, page.head() - ack);
    owner.emit(SyncEvents.SYNC_SUCCEEDED,
        new SyncEvents.SyncSucceeded(remote.name(), SyncStore.Cursor.PUSH, page.items().size(), ack));
    return ack < page.head();
  }

  private String info() throws IOException, InterruptedException {
    return get(SyncApi.PREFIX + "/info", SyncInfo.class).nodeId();
  }

  private <T> T get(String path, Class<T> type) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(remote.url() + path))
        .timeout(Duration.ofSeconds(30)).GET();
    return send(request, type);
  }

  private <T> T post(String path, Object body, Class<T> type) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(remote.url() + path))
        .timeout(remote.options().applyTimeout().plusSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
    return send(request, type);
  }

  private <T> T send(HttpRequest.Builder request, Class<T> type) throws IOException, InterruptedException {
    if (remote.options().bearerToken() != null) {
      request.header("Authorization", "Bearer " + remote.options().bearerToken());
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("HTTP " + response.statusCode() + " from " + request.build().uri() + ": "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    return MAPPER.readValue(response.body(), type);
  }

  private void setState(ConnectionState next) {
    ConnectionState previous = state;
    if (previous != next) {
      state = next;
      owner.emit(SyncEvents.CONNECTION_STATE_CHANGED,
          new SyncEvents.ConnectionStateChanged(remote.name(), previous, next));
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Body of {@code GET /v1/sync/info}. */
  record SyncInfo(String nodeId, long head) {}
}
