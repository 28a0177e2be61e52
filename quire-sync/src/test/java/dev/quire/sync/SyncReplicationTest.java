package dev.quire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.event.EventType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real replicas on loopback ports: one-way, two-way, chains, echo suppression, auth. */
@Timeout(60)
class SyncReplicationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void oneWayPull_replicatesDocumentsFromAToB_andTheStateIsReadableOnB() throws Exception {
    try (SyncNode a = new SyncNode("A"); SyncNode b = new SyncNode("B")) {
      String doc = a.createJson("doc-1");
      a.set(doc, "x", 1);
      a.set(doc, "y", 2);
      b.sync.add("a", a.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PULL));

      Eventually.await("doc on B", WAIT, () -> b.globalState(doc) != null && b.globalState(doc).path("y").asInt() == 2);
      assertThat(b.effectiveActionIds(doc, "global")).isEqualTo(a.effectiveActionIds(doc, "global"));
      assertThat(b.sync.status("a").pullCursor()).isEqualTo(a.reactor.operationStore().lastOrdinal());
      assertThat(b.sync.status("a").state()).isEqualTo(ConnectionState.CONNECTED);
    }
  }

  @Test
  void twoWay_writesOnEitherSideReachTheOther_withoutEchoes() throws Exception {
    try (SyncNode a = new SyncNode("A"); SyncNode b = new SyncNode("B")) {
      List<SyncEvents.SyncSucceeded> bPushes = new CopyOnWriteArrayList<>();
      b.reactor.events().subscribe(SyncEvents.SYNC_SUCCEEDED, e -> {
        if (e.direction() == SyncStore.Cursor.PUSH) {
          bPushes.add(e);
        }
      });
      a.sync.add("b", b.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PUSH));
      b.sync.add("a", a.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PUSH));
      String fromA = a.createJson("from-a");
      a.set(fromA, "v", 1);
      String fromB = b.createJson("from-b");
      b.set(fromB, "v", 2);

      Eventually.await("both docs on both", WAIT, () -> a.globalState(fromB) != null && b.globalState(fromA) != null
          && a.globalState(fromB).path("v").asInt() == 2 && b.globalState(fromA).path("v").asInt() == 1);
      Eventually.await("cursors caught up", WAIT,
          () -> b.sync.status("a").pushLag() == 0 && a.sync.status("b").pushLag() == 0);
      // B pushed only its own document's operations: A's (received from A) were never sent back.
      int pushedByB = bPushes.stream().mapToInt(SyncEvents.SyncSucceeded::operations).sum();
      assertThat(pushedByB).isEqualTo(b.rawCount(fromB, "document") + b.rawCount(fromB, "global"));
      assertThat(a.rawCount(fromA, "global")).isEqualTo(1);
    }
  }

  @Test
  void chain_AtoBtoC_replicatesThroughTheMiddle() throws Exception {
    try (SyncNode a = new SyncNode("A"); SyncNode b = new SyncNode("B"); SyncNode c = new SyncNode("C")) {
      b.sync.add("a", a.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PULL));
      c.sync.add("b", b.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PULL));
      String doc = a.createJson("chained");
      for (int i = 0; i < 20; i++) {
        a.set(doc, "k" + (i % 3), i);
      }
      Eventually.await("doc on C", WAIT,
          () -> c.effectiveActionIds(doc, "global").equals(a.effectiveActionIds(doc, "global")));
      Eventually.await("state on C", WAIT, () -> a.globalState(doc).equals(c.globalState(doc)));
    }
  }

  @Test
  void filter_byDocumentIds_replicatesOnlyThoseDocuments() throws Exception {
    try (SyncNode a = new SyncNode("A"); SyncNode b = new SyncNode("B")) {
      a.createJson("wanted");
      a.createJson("other");
      a.set("wanted", "x", 1);
      b.sync.add("a", a.url(), RemoteFilter.documents("wanted"), SyncNode.fast(SyncDirection.PULL));
      Eventually.await("wanted on B", WAIT, () -> b.globalState("wanted") != null
          && b.globalState("wanted").path("x").asInt() == 1);
      Eventually.await("cursor caught up", WAIT, () -> b.sync.status("a").pullLag() == 0);
      assertThat(b.reactor.operationStore().documentType("other")).isNull();
    }
  }

  @Test
  void bearerToken_isRequiredByTheRemote_andSentByTheLink() throws Exception {
    try (SyncNode a = new SyncNode("A", "s3cret"); SyncNode b = new SyncNode("B"); SyncNode c = new SyncNode("C")) {
      String doc = a.createJson("secured");
      List<Object> failures = new CopyOnWriteArrayList<>();
      c.reactor.events().subscribe(SyncEvents.SYNC_FAILED, failures::add);
      b.sync.add("a", a.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PULL).withBearerToken("s3cret"));
      c.sync.add("a", a.url(), RemoteFilter.ALL, SyncNode.fast(SyncDirection.PULL).withBearerToken("wrong"));
      Eventually.await("doc on B", WAIT, () -> b.globalState(doc) != null);
      Eventually.await("C failed", WAIT, () -> !failures.isEmpty());
      assertThat(c.sync.status("a").lastError()).contains("401");
      assertThat(c.sync.status("a").state()).isEqualTo(ConnectionState.DISCONNECTED);
    }
  }

  @Test
  void backoff_growsExponentially_withJitterWithinHalfToFull() {
    Remote remote = new Remote("r", "http://127.0.0.1:1", null, RemoteOptions.DEFAULTS);
    RemoteLink link = new RemoteLink(remote, null, null);
    for (int n = 1; n <= 10; n++) {
      long cap = Math.min(30_000, 200L << (n - 1));
      long delay = link.backoffMillis(n);
      assertThat(delay).isBetween(cap / 2, cap);
    }
  }

  @SuppressWarnings("unused")
  private static <T> EventType<T> unused(EventType<T> t) {
    return t;
  }
}
