package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.quire.Reactor;
import dev.quire.event.EventBus;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.sync.SyncEvents;
import dev.quire.sync.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sync mounted in {@code quire serve}: two real servers replicate over {@code /v1/sync}. */
@Timeout(60)
class QuireServerSyncTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void remoteAddedOverHttp_pullsDocuments_andTheEventStreamReportsIt() throws Exception {
    try (TestServer a = TestServer.start(); TestServer b = TestServer.start()) {
      a.client().createJson("doc-1");
      assertThat(a.client().set("doc-1", "/x", IntNode.valueOf(7), "?wait=true").status()).isEqualTo(200);
      long head = a.client().get("/v1/sync/info").json().path("head").asLong();

      try (SseRecorder events = SseRecorder.open(b.client(), "/v1/events?type=SYNC_SUCCEEDED,CONNECTION_STATE_CHANGED")) {
        var added = b.client().post("/v1/sync/remotes", "{\"name\":\"a\",\"url\":\"" + a.server().url()
            + "\",\"options\":{\"direction\":\"PULL\",\"pollInterval\":0.02}}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("name").asText()).isEqualTo("a");

        // The link reports CONNECTED after its first round, whose pull already reached A's head.
        List<SseRecorder.Event> seen = events.until(e -> e.type().equals("CONNECTION_STATE_CHANGED")
            && e.json().path("current").asText().equals("CONNECTED"), WAIT);
        assertThat(seen).anySatisfy(e -> {
          assertThat(e.type()).isEqualTo("SYNC_SUCCEEDED");
          assertThat(e.json().path("direction").asText()).isEqualTo("PULL");
          assertThat(e.json().path("cursor").asLong()).isEqualTo(head);
        });
      }
      // A pull page is acknowledged only once applied and indexed here: readable at once.
      assertThat(b.client().get("/v1/documents/doc-1").json().at("/state/global/x").asInt()).isEqualTo(7);
      JsonNode remotes = b.client().get("/v1/sync/remotes").json();
      assertThat(remotes).hasSize(1);
      assertThat(remotes.get(0).path("pullCursor").asLong()).isEqualTo(head);
      assertThat(remotes.get(0).path("remoteNodeId").asText()).isEqualTo(a.server().sync().nodeId());

      assertThat(b.client().delete("/v1/sync/remotes/a").status()).isEqualTo(200);
      assertThat(b.client().get("/v1/sync/remotes").json()).isEmpty();
    }
  }

  @Test
  void withAuth_syncNeedsTheToken_andConfiguredRemotesSendIt() throws Exception {
    ServerConfig.Security token = ServerConfig.Security.bearer("s3cret");
    try (TestServer a = TestServer.start(c -> c.withSecurity(token))) {
      assertThat(a.client().get("/v1/sync/info").status()).isEqualTo(401);
      ApiClient authed = a.client().withBearer("s3cret");
      assertThat(authed.get("/v1/sync/info").status()).isEqualTo(200);
      authed.createJson("secured");

      try (TestServer b = TestServer.start(c -> c.withSecurity(token)
          .withSync(new ServerConfig.Sync(List.of(new ServerConfig.RemoteSpec("a", a.server().url())))))) {
        CountDownLatch arrived = new CountDownLatch(1);
        long head = authed.get("/v1/sync/info").json().path("head").asLong();
        b.server().reactor().events().subscribe(SyncEvents.SYNC_SUCCEEDED, e -> {
          if (e.direction() == SyncStore.Cursor.PULL && e.cursor() >= head) {
            arrived.countDown();
          }
        });
        // The link may have finished before the subscription: its status has the cursor too.
        if (b.server().sync().status("a").pullCursor() < head) {
          assertThat(arrived.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(b.client().get("/v1/documents/secured").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void restartOnTheSameSqliteFile_keepsTheRemote_andResumesTheCursorWithoutRepulling() throws Exception {
    try (TestServer a = TestServer.start()) {
      a.client().createJson("r-1");
      a.client().set("r-1", "/x", IntNode.valueOf(1), "?wait=true");
      long head1 = a.client().get("/v1/sync/info").json().path("head").asLong();

      ServerConfig withRemote = sqliteConfig()
          .withSync(new ServerConfig.Sync(List.of(new ServerConfig.RemoteSpec("a", a.server().url()))));
      EventBus bus1 = new EventBus();
      CountDownLatch first = pulledUpTo(bus1, head1, new AtomicInteger());
      String nodeId;
      try (QuireServer b = startWithBus(withRemote, bus1)) {
        assertThat(first.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        nodeId = b.sync().nodeId();
      }

      a.client().set("r-1", "/x", IntNode.valueOf(2), "?wait=true");
      a.client().set("r-1", "/x", IntNode.valueOf(3), "?wait=true");
      long head2 = a.client().get("/v1/sync/info").json().path("head").asLong();

      // No --remote this time: the remote comes from the database.
      EventBus bus2 = new EventBus();
      AtomicInteger pulled = new AtomicInteger();
      CountDownLatch second = pulledUpTo(bus2, head2, pulled);
      try (QuireServer b = startWithBus(sqliteConfig(), bus2)) {
        assertThat(b.sync().list()).extracting(r -> r.name() + "=" + r.url()).containsExactly("a=" + a.server().url());
        assertThat(b.sync().nodeId()).isEqualTo(nodeId);
        assertThat(second.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // Only what A wrote while B was down came over again.
        assertThat(pulled.get()).isEqualTo((int) (head2 - head1));
        ApiClient client = new ApiClient(b.url());
        assertThat(client.get("/v1/documents/r-1").json().at("/state/global/x").asInt()).isEqualTo(3);
        assertThat(client.get("/v1/documents/r-1/operations?scope=global").json().path("items"))
            .hasSize(a.client().get("/v1/documents/r-1/operations?scope=global").json().path("items").size());
      }
    }
  }

  private ServerConfig sqliteConfig() {
    return TestServer.config().withStorage(new ServerConfig.Storage(null, dir.resolve("b"), List.of()));
  }

  /** Counts pulled operations on {@code bus}; the latch opens once the pull cursor reaches {@code head}. */
  private static CountDownLatch pulledUpTo(EventBus bus, long head, AtomicInteger pulled) {
    CountDownLatch latch = new CountDownLatch(1);
    bus.subscribe(SyncEvents.SYNC_PENDING, e -> {
      if (e.direction() == SyncStore.Cursor.PULL) {
        pulled.addAndGet(e.operations());
      }
    });
    bus.subscribe(SyncEvents.SYNC_SUCCEEDED, e -> {
      if (e.direction() == SyncStore.Cursor.PULL && e.cursor() >= head) {
        latch.countDown();
      }
    });
    return latch;
  }

  /** Like {@code QuireServer.start(config)}, with a bus the test subscribed to before anything runs. */
  private static QuireServer startWithBus(ServerConfig config, EventBus bus) {
    DocumentModelRegistry models = DocumentModelRegistry.builder().discover(Reactor.class.getClassLoader()).build();
    StorageFactory.Storage opened = StorageFactory.open(config.storage(), models, Duration.ofSeconds(5));
    StorageFactory.Storage storage = new StorageFactory.Storage(opened.description(), opened.dataDir(),
        builder -> {
          opened.configure().accept(builder);
          builder.eventBus(bus);
        },
        opened.beforeServing(), opened.checkpoints(), opened.rebuilders(), opened.resources(), opened.syncStore());
    return QuireServer.start(config, storage);
  }
}
