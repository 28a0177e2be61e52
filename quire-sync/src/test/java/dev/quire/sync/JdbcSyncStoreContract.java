package dev.quire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.model.Action;
import dev.quire.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every database behind {@link JdbcSyncStore} must do; subclasses name the database. */
@Timeout(60)
abstract class JdbcSyncStoreContract {

  /** A fresh, empty database URL; the same URL opened twice is the same database. */
  abstract String url();

  @Test
  void nodeId_isCreatedOnce_andStableAcrossReopen() {
    String url = url();
    String first;
    try (QuireDatabase db = QuireDatabase.open(url)) {
      first = new JdbcSyncStore(db).nodeId();
      assertThat(new JdbcSyncStore(db).nodeId()).isEqualTo(first);
    }
    try (QuireDatabase db = QuireDatabase.open(url)) {
      assertThat(new JdbcSyncStore(db).nodeId()).isEqualTo(first);
    }
  }

  @Test
  void remotesAndCursors_surviveReopen_andRemovingARemoteDropsItsCursors() {
    String url = url();
    RemoteOptions options = RemoteOptions.DEFAULTS.withDirection(SyncDirection.PULL).withBearerToken("t")
        .withPollInterval(Duration.ofMillis(20));
    Remote a = new Remote("a", "http://127.0.0.1:1", RemoteFilter.documents("d1", "d2"), options);
    Remote b = new Remote("b", "http://127.0.0.1:2", RemoteFilter.collection("drive"), null);
    try (QuireDatabase db = QuireDatabase.open(url)) {
      JdbcSyncStore store = new JdbcSyncStore(db);
      store.putRemote(a);
      store.putRemote(b);
      store.setCursor("a", SyncStore.Cursor.PULL, 7);
      store.setCursor("a", SyncStore.Cursor.PULL, 9);
      store.setCursor("a", SyncStore.Cursor.PUSH, 3);
      store.setCursor("b", SyncStore.Cursor.PULL, 5);
    }
    try (QuireDatabase db = QuireDatabase.open(url)) {
      JdbcSyncStore store = new JdbcSyncStore(db);
      assertThat(store.remotes()).containsExactlyInAnyOrder(a, b);
      assertThat(store.cursor("a", SyncStore.Cursor.PULL)).isEqualTo(9);
      assertThat(store.cursor("a", SyncStore.Cursor.PUSH)).isEqualTo(3);
      assertThat(store.cursor("missing", SyncStore.Cursor.PUSH)).isZero();

      Remote moved = new Remote("b", "http://127.0.0.1:3", null, null);
      store.putRemote(moved);
      assertThat(store.remotes()).containsExactlyInAnyOrder(a, moved);

      store.removeRemote("b");
      assertThat(store.remotes()).containsExactly(a);
      assertThat(store.cursor("b", SyncStore.Cursor.PULL)).isZero();
      assertThat(store.cursor("a", SyncStore.Cursor.PULL)).isEqualTo(9);
    }
  }

  @Test
  void receivedRecords_areIdempotent_andPerPeer() {
    try (QuireDatabase db = QuireDatabase.open(url())) {
      JdbcSyncStore store = new JdbcSyncStore(db);
      SyncStore.Received act1 = new SyncStore.Received("doc|global|main", "act-1");
      SyncStore.Received act2 = new SyncStore.Received("doc|global|main", "act-2");
      SyncStore.Received act3 = new SyncStore.Received("doc|global|main", "act-3");
      store.recordReceived("peer-a", List.of(act1, act3));
      store.recordReceived("peer-a", List.of(act1));
      assertThat(store.receivedFrom("peer-a", List.of(act1, act2, act3))).containsExactlyInAnyOrder(act1, act3);
      assertThat(store.receivedFrom("peer-b", List.of(act1, act2, act3))).isEmpty();
      assertThat(store.receivedFrom("peer-a", List.of())).isEmpty();
    }
  }

  @Test
  void deadLetters_roundTripWithTheirOperations_inCreationOrder() {
    Instant t = Instant.parse("2026-01-02T03:04:05.123456789Z");
    Action action = new Action("act-1", "SET", "global", t.truncatedTo(ChronoUnit.MILLIS),
        Json.object().put("path", "/x").put("value", 1), null);
    WireOperation op = new WireOperation("doc", "quire/json", "global", "main", 4, null, action, "h", "node-a");
    DeadLetter later = new DeadLetter("dl-2", "a", "doc", "global", "main", DeadLetter.Reason.DEPENDS_ON_DEAD_LETTER,
        "waits", List.of(op), t.plusSeconds(1));
    DeadLetter first = new DeadLetter("dl-1", "a", "doc", "global", "main", DeadLetter.Reason.UNKNOWN_MODEL,
        "no model", List.of(op), t);
    try (QuireDatabase db = QuireDatabase.open(url())) {
      JdbcSyncStore store = new JdbcSyncStore(db);
      store.addDeadLetter(later);
      store.addDeadLetter(first);
      assertThat(store.deadLetters()).extracting(DeadLetter::id).containsExactly("dl-1", "dl-2");
      DeadLetter read = store.deadLetter("dl-1").orElseThrow();
      // Compared as JSON: JsonNode inputs may come back as equal values of another node class.
      assertThat((JsonNode) Json.mapper().valueToTree(read)).isEqualTo(Json.mapper().valueToTree(first));
      assertThat(read.operations().get(0).action().input().path("value").asInt()).isEqualTo(1);

      store.removeDeadLetter("dl-1");
      assertThat(store.deadLetter("dl-1")).isEmpty();
      assertThat(store.deadLetters()).extracting(DeadLetter::id).containsExactly("dl-2");
    }
  }
}
