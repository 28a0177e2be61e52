package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop in the middle of a write storm loses no acknowledged (202) write. */
@Timeout(60)
class QuireServerShutdownTest {

  static final int DOCUMENTS = 4;
  static final int ACKS_BEFORE_STOP = 60;

  @TempDir
  Path dataDir;

  @Test
  void gracefulStop_inMemory_losesNoAcknowledgedWrite() throws Exception {
    TestServer server = TestServer.start();
    OperationStore store = server.server().reactor().operationStore();
    Set<String> acknowledged = storm(server.server());

    assertThat(storedActionIds(store)).containsAll(acknowledged);
  }

  @Test
  void gracefulStop_onSqlite_losesNoAcknowledgedWrite_acrossARestart() throws Exception {
    ServerConfig config = TestServer.config().withStorage(new ServerConfig.Storage(null, dataDir, List.of()));
    Set<String> acknowledged = storm(QuireServer.start(config));

    try (QuireServer restarted = QuireServer.start(config)) {
      assertThat(storedActionIds(restarted.reactor().operationStore())).containsAll(acknowledged);
    }
  }

  /** Writes from several clients until the server, stopped after some acknowledgements, refuses. */
  private static Set<String> storm(QuireServer server) throws Exception {
    ApiClient client = new ApiClient(server.url());
    for (int d = 0; d < DOCUMENTS; d++) {
      client.createJson("storm-" + d);
    }
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    CountDownLatch enough = new CountDownLatch(ACKS_BEFORE_STOP);
    ExecutorService senders = Executors.newFixedThreadPool(DOCUMENTS);
    List<Future<Integer>> refusals = new ArrayList<>();
    for (int d = 0; d < DOCUMENTS; d++) {
      String document = "storm-" + d;
      refusals.add(senders.submit(() -> sendUntilRefused(client, document, acknowledged, enough)));
    }

    assertThat(enough.await(30, TimeUnit.SECONDS)).isTrue();
    server.stop();

    for (Future<Integer> refusal : refusals) {
      // Each sender ends on a refusal: 503 while stopping, or a closed connection after.
      assertThat(refusal.get(30, TimeUnit.SECONDS)).isIn(503, -1);
    }
    senders.shutdownNow();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_STOP);
    return acknowledged;
  }

  private static Set<String> storedActionIds(OperationStore store) {
    Set<String> stored = new HashSet<>();
    for (int d = 0; d < DOCUMENTS; d++) {
      stored.addAll(actionIds(store, "storm-" + d));
    }
    return stored;
  }

  /** Posts one SET after another; returns the status of the first refusal (-1: connection failed). */
  private static int sendUntilRefused(ApiClient client, String document, Set<String> acknowledged, CountDownLatch enough) {
    for (int n = 0; ; n++) {
      String actionId = document + "-" + n;
      String body = "{\"actions\":[{\"id\":\"" + actionId + "\",\"type\":\"SET\",\"input\":{\"path\":\"/n\",\"value\":" + n + "}}]}";
      int status;
      try {
        status = client.post("/v1/documents/" + document + "/actions", body).status();
      } catch (UncheckedIOException e) {
        return -1;
      }
      if (status != 202) {
        return status;
      }
      acknowledged.add(actionId);
      enough.countDown();
    }
  }

  private static List<String> actionIds(OperationStore store, String document) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      Page<Operation> page = store.getSince(StreamKey.of(document, "global", "main"), -1, OperationFilter.NONE,
          new PageRequest(cursor, PageRequest.MAX_LIMIT));
      page.items().forEach(op -> ids.add(op.action().id()));
      cursor = page.nextCursor().orElse(null);
    } while (cursor != null);
    return ids;
  }
}
