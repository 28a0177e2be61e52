package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.quire.Reactor;
import dev.quire.event.QuireEvents;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.server.ApiClient;
import dev.quire.server.SseRecorder;
import dev.quire.server.SseRecorder.Event;
import dev.quire.server.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GET /v1/events: live delivery, filters, and Last-Event-ID resume from the store. */
@Timeout(30)
class HttpApiEventsTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static TestServer server;
  static ApiClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void liveEvents_writtenThenReady_forTheFilteredDocument() throws Exception {
    client.createJson("sse-other");
    try (SseRecorder events = SseRecorder.open(client, "/v1/events?documentId=sse-1")) {
      assertThat(events.status()).isEqualTo(200);
      client.createJson("sse-1");
      client.set("sse-other", "/x", IntNode.valueOf(1), "?wait=true");
      String jobId = client.set("sse-1", "/x", IntNode.valueOf(2), null).json().get("id").asText();

      List<Event> seen = events.until(e -> e.type().equals("OPERATIONS_READY")
          && e.json().get("jobId").asText().equals(jobId), WAIT);

      assertThat(seen).allSatisfy(e -> assertThat(e.data()).doesNotContain("sse-other"));
      Event written = seen.stream()
          .filter(e -> e.type().equals("OPERATION_WRITTEN") && jobId.equals(e.json().get("jobId").asText()))
          .findFirst().orElseThrow();
      assertThat(seen.indexOf(written)).isLessThan(seen.size() - 1);
      assertThat(written.id()).isNotNull();
      assertThat(written.json().at("/operations/0/documentId").asText()).isEqualTo("sse-1");
      assertThat(written.json().at("/operations/0/index").asLong()).isEqualTo(0);
      assertThat(written.json().at("/operations/0/ordinal").asLong()).isEqualTo(Long.parseLong(written.id()));
    }
  }

  @Test
  void readyArrivingBeforeItsJobAnnouncedTheWrite_stillFollowsTheOperationWithItsJobId() throws Exception {
    Reactor reactor = server.server().reactor();
    try (SseRecorder events = SseRecorder.open(client, "/v1/events?documentId=sse-unannounced")) {
      assertThat(events.status()).isEqualTo(200);
      // Committed, but its job has not emitted OPERATION_WRITTEN yet when its read models are done:
      // the order a slow job thread and fast read models produce.
      Operation op = new Operation("op-unannounced", 0, 0, Instant.now(), "hash",
          Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT,
              CreateDocumentInput.of(JsonDocumentModel.DOCUMENT_TYPE, "sse-unannounced").toJson()), null);
      List<OperationWithContext> written = reactor.operationStore().append("job-unannounced", "sse-unannounced",
          JsonDocumentModel.DOCUMENT_TYPE, Scopes.DOCUMENT, Scopes.MAIN_BRANCH, 0, List.of(op));
      reactor.events().emit(QuireEvents.OPERATIONS_READY, new QuireEvents.OperationsReady("job-unannounced", written))
          .get(10, TimeUnit.SECONDS);

      List<Event> seen = events.until(e -> e.type().equals("OPERATIONS_READY"), WAIT);

      assertThat(seen).extracting(Event::type).containsExactly("OPERATION_WRITTEN", "OPERATIONS_READY");
      assertThat(seen.get(0).json().get("jobId").asText()).isEqualTo("job-unannounced");
    }
  }

  @Test
  void lastEventId_replaysFromTheStoreThenGoesLive() throws Exception {
    client.createJson("sse-resume");
    String firstId;
    try (SseRecorder events = SseRecorder.open(client, "/v1/events?documentId=sse-resume&type=OPERATION_WRITTEN")) {
      client.set("sse-resume", "/a", IntNode.valueOf(1), "?wait=true");
      firstId = events.next(WAIT).id();
    }
    // Written while no client was connected.
    client.set("sse-resume", "/b", IntNode.valueOf(2), "?wait=true");
    client.set("sse-resume", "/c", IntNode.valueOf(3), "?wait=true");

    try (SseRecorder resumed = SseRecorder.open(client, "/v1/events?documentId=sse-resume&type=OPERATION_WRITTEN",
        "Last-Event-ID", firstId)) {
      Event b = resumed.next(WAIT);
      Event c = resumed.next(WAIT);
      assertThat(b.json().at("/operations/0/action/input/path").asText()).isEqualTo("/b");
      assertThat(c.json().at("/operations/0/action/input/path").asText()).isEqualTo("/c");
      assertThat(Long.parseLong(b.id())).isGreaterThan(Long.parseLong(firstId));
      assertThat(Long.parseLong(c.id())).isGreaterThan(Long.parseLong(b.id()));

      client.set("sse-resume", "/d", IntNode.valueOf(4), null);
      Event d = resumed.next(WAIT);
      assertThat(d.json().at("/operations/0/action/input/path").asText()).isEqualTo("/d");
    }
  }

  @Test
  void resumeFromZero_replaysTheWholeStoreInOrdinalOrder() throws Exception {
    client.createJson("sse-zero");
    long last = server.server().reactor().operationStore().lastOrdinal();
    try (SseRecorder events = SseRecorder.open(client, "/v1/events?type=OPERATION_WRITTEN&lastEventId=0")) {
      List<Event> replayed = events.until(e -> Long.parseLong(e.id()) == last, WAIT);
      assertThat(replayed).extracting(e -> Long.parseLong(e.id())).isSorted().doesNotHaveDuplicates();
      assertThat(replayed.get(0).id()).isEqualTo("1");
    }
  }

  @Test
  void jobFailed_isDelivered() throws Exception {
    try (SseRecorder events = SseRecorder.open(client, "/v1/events?type=JOB_FAILED")) {
      // Creating an id that exists passes validation only if it races; write a CREATE through the reactor instead.
      client.createJson("sse-fail");
      server.server().reactor().create(dev.quire.CreateDocument.of("quire/json", "sse-fail"));
      Event failed = events.next(WAIT);
      assertThat(failed.type()).isEqualTo("JOB_FAILED");
      assertThat(failed.json().get("documentId").asText()).isEqualTo("sse-fail");
      assertThat(failed.json().at("/error/message").asText()).isNotBlank();
    }
  }

  @Test
  void unknownType_orBadLastEventId_is400() {
    assertThat(client.get("/v1/events?type=NOPE").status()).isEqualTo(400);
    assertThat(client.get("/v1/events", "Last-Event-ID", "abc").status()).isEqualTo(400);
  }

  @Test
  void stop_endsOpenStreams() throws Exception {
    try (TestServer other = TestServer.start();
        SseRecorder events = SseRecorder.open(other.client(), "/v1/events")) {
      assertThat(events.status()).isEqualTo(200);
      other.server().stop();
      events.ended().get(10, TimeUnit.SECONDS);
    }
  }
}
