package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code quire serve} processes on SQLite replicate both ways while clients write to both;
 * each is killed with SIGKILL in the middle of a sync round (right after the receiver announced a
 * page with {@code SYNC_PENDING}) and restarted on the same files. Afterwards every document has the
 * same operation history on both servers, every acknowledged write is in it exactly once, and a write
 * whose answer was lost in a kill is in it at most once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SyncKillTest {

  private static final Duration EVENT_WAIT = Duration.ofSeconds(60);
  private static final int DOCS_PER_SIDE = 6;
  private static final int WRITES_AFTER_LAST_RESTART = 30;

  @TempDir
  Path dir;

  /** Per document: action ids the server acknowledged, and ids whose answer never came (kills). */
  private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> ambiguous = new ConcurrentHashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong ackedSinceLastRestart = new AtomicLong();

  @Test
  void bothServersKilledMidSync_resumeWithoutLossOrDuplication() throws Exception {
    try (ServerProcess a = ServerProcess.start("a", dir.resolve("a"));
         ServerProcess b = ServerProcess.start("b", dir.resolve("b"))) {
      // Small pages and a short poll keep the link busy, so that a kill lands inside a round.
      var added = b.client().post("/v1/sync/remotes", "{\"name\":\"a\",\"url\":\"" + a.url()
          + "\",\"options\":{\"direction\":\"BOTH\",\"batchSize\":8,\"pollInterval\":0.02,"
          + "\"retryBase\":0.05,\"retryMax\":0.5}}");
      assertThat(added.status()).as(added.body()).isEqualTo(201);

      List<String> aDocs = createDocuments(a, "a-doc-");
      List<String> bDocs = createDocuments(b, "b-doc-");
      Gate aUp = new Gate();
      Gate bUp = new Gate();
      List<String> kills = new ArrayList<>();
      CountDownLatch enoughAfterRestart = new CountDownLatch(1);

      try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
          running.add(writers.submit(() -> write(a, aUp, aDocs, enoughAfterRestart)));
        }
        running.add(writers.submit(() -> write(b, bUp, bDocs, enoughAfterRestart)));

        // B killed while pulling (twice), while pushing; A killed while applying B's push.
        kills.add(killDuring(b, bUp, b, "PULL"));
        kills.add(killDuring(b, bUp, b, "PULL"));
        kills.add(killDuring(b, bUp, b, "PUSH"));
        kills.add(killDuring(a, aUp, b, "PUSH"));

        ackedSinceLastRestart.set(0);
        assertThat(enoughAfterRestart.await(EVENT_WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("writes resume after the last restart").isTrue();
        stop.set(true);
        for (Future<?> writer : running) {
          writer.get(EVENT_WAIT.toSeconds(), TimeUnit.SECONDS);
        }
      }

      // One last acknowledged write per document; its cross token, honoured on the other side,
      // means that side received and indexed everything before it in that stream.
      awaitOnOtherSide(a, b, aDocs);
      awaitOnOtherSide(b, a, bDocs);

      assertThat(kills).hasSize(4);
      long landedAmbiguous = 0;
      long ackedTotal = acknowledged.values().stream().mapToLong(Set::size).sum();
      assertThat(ackedTotal).as("acknowledged writes").isGreaterThan(100);
      for (String doc : concat(aDocs, bDocs)) {
        List<JsonNode> onA = history(a, doc);
        List<JsonNode> onB = history(b, doc);
        assertThat(summaries(onB)).as("history of %s on B equals A's", doc).isEqualTo(summaries(onA));
        List<String> actionIds = onA.stream().map(op -> op.at("/action/id").asText()).toList();
        assertThat(new HashSet<>(actionIds)).as("no duplicated action in %s", doc).hasSize(actionIds.size());
        assertThat(actionIds).as("every acknowledged write of %s", doc).containsAll(acknowledged.get(doc));
        assertThat(state(b, doc)).as("state of %s", doc).isEqualTo(state(a, doc));
        landedAmbiguous += ambiguous.get(doc).stream().filter(actionIds::contains).count();
      }
      System.out.printf("SyncKillTest: %s; %d acknowledged writes, %d unanswered (%d of them landed, once each)%n",
          kills, ackedTotal, ambiguous.values().stream().mapToLong(Set::size).sum(), landedAmbiguous);
    }
  }

  private List<String> createDocuments(ServerProcess server, String prefix) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < DOCS_PER_SIDE; i++) {
      String id = prefix + i;
      server.client().createJson(id);
      acknowledged.put(id, ConcurrentHashMap.newKeySet());
      ambiguous.put(id, ConcurrentHashMap.newKeySet());
      ids.add(id);
    }
    return ids;
  }

  /** Writes to {@code docs} round robin until told to stop; waits at {@code up} while the server is down. */
  private Void write(ServerProcess server, Gate up, List<String> docs, CountDownLatch enough) throws InterruptedException {
    ApiClient client = server.client();
    for (int n = 0; !stop.get(); n++) {
      up.await();
      String doc = docs.get(n % docs.size());
      String actionId = UUID.randomUUID().toString();
      try {
        ApiClient.ApiResponse response = client.post("/v1/documents/" + doc + "/actions?wait=true&timeoutMs=20000",
            setBody(actionId, n));
        if (response.status() == 200) {
          acknowledged.get(doc).add(actionId);
          if (ackedSinceLastRestart.incrementAndGet() >= WRITES_AFTER_LAST_RESTART) {
            enough.countDown();
          }
        } else if (response.status() >= 500) {
          ambiguous.get(doc).add(actionId); // e.g. 503 while shutting down: may or may not be written
        } else {
          throw new AssertionError("write to " + doc + " rejected: " + response);
        }
      } catch (RuntimeException e) {
        ambiguous.get(doc).add(actionId); // connection lost in a kill: the answer never came
      }
    }
    return null;
  }

  private static String setBody(String actionId, int value) {
    ObjectNode action = Json.object().put("id", actionId).put("type", "SET");
    action.putObject("input").put("path", "/n").put("value", value);
    ObjectNode body = Json.object();
    body.putArray("actions").add(action);
    return body.toString();
  }

  /**
   * Waits on {@code observer}'s event stream for a completed sync round (progress since the last
   * kill) and then for the next page announced in {@code direction}; SIGKILLs {@code victim} at once
   * and restarts it on the same files.
   */
  private String killDuring(ServerProcess victim, Gate victimUp, ServerProcess observer, String direction)
      throws Exception {
    long killed = victim.pid();
    try (SseRecorder events = SseRecorder.open(observer.client(), "/v1/events?type=SYNC_PENDING,SYNC_SUCCEEDED")) {
      events.until(e -> e.type().equals("SYNC_SUCCEEDED"), EVENT_WAIT);
      events.until(e -> e.type().equals("SYNC_PENDING") && e.json().path("direction").asText().equals(direction),
          EVENT_WAIT);
      victimUp.close();
      victim.kill();
    }
    victim.restart();
    victimUp.open();
    return "SIGKILL pid " + killed + " during " + direction + " (restarted as " + victim.pid() + ")";
  }

  private void awaitOnOtherSide(ServerProcess origin, ServerProcess other, List<String> docs) {
    for (String doc : docs) {
      String actionId = UUID.randomUUID().toString();
      ApiClient.ApiResponse written = origin.client().post("/v1/documents/" + doc + "/actions?wait=true", setBody(actionId, -1));
      assertThat(written.status()).as(written.body()).isEqualTo(200);
      acknowledged.get(doc).add(actionId);
      String token = written.header("Quire-Consistency-Token").orElseThrow();
      ApiClient.ApiResponse exported = origin.client().post("/v1/sync/tokens/export",
          Json.object().put("token", token));
      assertThat(exported.status()).as(exported.body()).isEqualTo(200);
      String cross = exported.json().path("crossToken").asText();
      ApiClient.ApiResponse honoured = other.client().get("/v1/sync/tokens/await?timeoutMs=60000&token="
          + URLEncoder.encode(cross, StandardCharsets.UTF_8));
      assertThat(honoured.status()).as("%s's last write reached the other server: %s", doc, honoured.body())
          .isEqualTo(200);
      ApiClient.ApiResponse read = other.client().get("/v1/documents/" + doc, "Quire-Consistency-Token",
          honoured.json().path("token").asText());
      assertThat(read.json().at("/state/global/n").asInt()).isEqualTo(-1);
    }
  }

  private static List<JsonNode> history(ServerProcess server, String doc) {
    List<JsonNode> operations = new ArrayList<>();
    String cursor = null;
    do {
      ApiClient.ApiResponse page = server.client().get("/v1/documents/" + doc + "/operations?limit=1000"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      page.json().path("items").forEach(operations::add);
      JsonNode next = page.json().path("nextCursor");
      cursor = next.isNull() || next.isMissingNode() ? null : next.asText();
    } while (cursor != null);
    return operations;
  }

  /** What must match between replicas: where each operation is, what it did and what it produced. */
  private static List<String> summaries(List<JsonNode> operations) {
    return operations.stream().map(op -> op.path("scope").asText() + "#" + op.path("index").asLong() + " skip "
        + op.path("skip").asLong() + " " + op.at("/action/id").asText() + " " + op.path("hash").asText()).toList();
  }

  private static JsonNode state(ServerProcess server, String doc) {
    return server.client().get("/v1/documents/" + doc).json().path("state");
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Open while a server is up; writers wait here instead of hammering a dead port. */
  private static final class Gate {
    private volatile CountDownLatch open = new CountDownLatch(0);

    void close() {
      open = new CountDownLatch(1);
    }

    void open() {
      open.countDown();
    }

    void await() throws InterruptedException {
      open.await();
    }
  }
}
