package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.model.Json;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.SseRecorder;
import dev.quire.server.TestServer;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks {@code openapi.json} against the running server: the documented routes are exactly the
 * server's, the served document is the one in the repository, and every probe (at least one per
 * operation, successes and refusals) answers a documented status with a documented content type
 * and a body holding the schema's required properties with the documented types.
 */
@Timeout(60)
class OpenApiContractTest {

  static TestServer server;
  static ApiClient client;
  static JsonNode spec;
  static final FlakyReadModel flaky = new FlakyReadModel();

  /** One request; {@code operationId} names the operation it exercises. */
  record Probe(String operationId, String method, String path, String body, String... headers) {}

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(c -> c, builder -> builder.readModel(flaky).retryPolicy(RetryPolicy.none()));
    client = server.client();
    try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.json")) {
      spec = Json.mapper().readTree(in);
    }
    client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"oa-1\",\"slug\":\"oa-slug\"}");
    client.createJson("oa-2");
    client.createJson("oa-del");
    client.put("/v1/documents/oa-1/relationships/child/oa-2?wait=true", "{\"metadata\":{\"k\":1}}");
    client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"poison-oa-1\"}");
    client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"poison-oa-2\"}");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servedDocument_isTheRepositorysAndValid31() {
    ApiResponse served = client.get("/openapi.json");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.json()).isEqualTo(spec);
    assertThat(spec.get("openapi").asText()).startsWith("3.1");
  }

  @Test
  void documentedRoutes_areExactlyTheServersRoutes() {
    Set<String> documented = new TreeSet<>();
    spec.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      if (!op.getKey().equals("parameters")) {
        documented.add(op.getKey().toUpperCase() + " " + path.getKey());
      }
    }));
    assertThat(documented).isEqualTo(new TreeSet<>(server.server().routes()));
  }

  @Test
  void everyOperation_answersDocumentedStatusesAndShapes() throws Exception {
    String far = ConsistencyToken.of(Instant.now(), List.of(new ConsistencyCoordinate("oa-1", "global", "main", 500))).encode();
    String set = "{\"actions\":[{\"type\":\"SET\",\"input\":{\"path\":\"/a\",\"value\":1}}]}";
    String cross = client.post("/v1/sync/tokens/export", "{\"token\":\"" + far + "\"}").json().path("crossToken").asText();
    List<Probe> probes = List.of(
        new Probe("createDocument", "POST", "/v1/documents", "{\"documentType\":\"quire/json\"}"),
        new Probe("createDocument", "POST", "/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"name\":\"n\"}"),
        new Probe("createDocument", "POST", "/v1/documents", "{not json"),
        new Probe("createDocument", "POST", "/v1/documents", "{\"documentType\":\"acme/none\"}"),
        new Probe("createDocument", "POST", "/v1/documents", "{\"documentType\":\"quire/json\",\"id\":\"oa-1\"}"),
        new Probe("findDocuments", "GET", "/v1/documents?type=quire/json&limit=2", null),
        new Probe("findDocuments", "GET", "/v1/documents?parentId=oa-1", null),
        new Probe("findDocuments", "GET", "/v1/documents", null),
        new Probe("getDocument", "GET", "/v1/documents/oa-slug", null),
        new Probe("getDocument", "GET", "/v1/documents/missing", null),
        new Probe("getDocument", "GET", "/v1/documents/oa-1?timeoutMs=20", null, Tokens.HEADER, far),
        new Probe("getDocument", "GET", "/v1/documents/oa-1", null, Tokens.HEADER, "garbage"),
        new Probe("executeActions", "POST", "/v1/documents/oa-1/actions", set),
        new Probe("executeActions", "POST", "/v1/documents/oa-1/actions?wait=true", set),
        new Probe("executeActions", "POST", "/v1/documents/oa-1/actions",
            "{\"actions\":[{\"type\":\"DELETE_PATH\",\"input\":{\"path\":\"/nothing\"}}]}"),
        new Probe("executeActions", "POST", "/v1/documents/missing/actions", set),
        new Probe("listOperations", "GET", "/v1/documents/oa-1/operations?limit=1", null),
        new Probe("listOperations", "GET", "/v1/documents/missing/operations", null),
        new Probe("listRelationships", "GET", "/v1/documents/oa-1/relationships?type=child", null),
        new Probe("listRelationships", "GET", "/v1/documents/oa-2/relationships?direction=up", null),
        new Probe("putRelationship", "PUT", "/v1/documents/oa-2/relationships/ref/oa-1", null),
        new Probe("putRelationship", "PUT", "/v1/documents/oa-2/relationships/ref2/oa-1?wait=true", "{\"metadata\":\"m\"}"),
        new Probe("putRelationship", "PUT", "/v1/documents/oa-2/relationships/ref/missing", null),
        new Probe("deleteRelationship", "DELETE", "/v1/documents/oa-2/relationships/ref2/oa-1?wait=true", null),
        new Probe("deleteRelationship", "DELETE", "/v1/documents/missing/relationships/ref/oa-1", null),
        new Probe("deleteDocument", "DELETE", "/v1/documents/oa-del", null),
        new Probe("deleteDocument", "DELETE", "/v1/documents/missing", null),
        new Probe("getJob", "GET", "/v1/jobs/missing", null),
        new Probe("getJob", "GET", "/v1/jobs/missing?waitFor=SOON", null),
        new Probe("streamEvents", "GET", "/v1/events?type=JOB_FAILED", null),
        new Probe("streamEvents", "GET", "/v1/events?type=WHATEVER", null),
        new Probe("listReadModels", "GET", "/v1/read-models", null),
        new Probe("getReadModel", "GET", "/v1/read-models/document-view", null),
        new Probe("getReadModel", "GET", "/v1/read-models/missing", null),
        new Probe("rebuildReadModel", "POST", "/v1/read-models/document-view/rebuild", null),
        new Probe("rebuildReadModel", "POST", "/v1/read-models/missing/rebuild", null),
        new Probe("retryParkedStream", "POST", "/v1/read-models/flaky/streams/poison-oa-1%3Adocument%3Amain/retry", null),
        new Probe("retryParkedStream", "POST", "/v1/read-models/flaky/streams/oa-1%3Adocument%3Amain/retry", null),
        new Probe("retryParkedStream", "POST", "/v1/read-models/flaky/streams/bad/retry", null),
        new Probe("skipParkedStream", "POST", "/v1/read-models/flaky/streams/poison-oa-2%3Adocument%3Amain/skip", null),
        new Probe("skipParkedStream", "POST", "/v1/read-models/missing/streams/a%3Ab%3Ac/skip", null),
        new Probe("live", "GET", "/health/live", null),
        new Probe("ready", "GET", "/health/ready", null),
        new Probe("metrics", "GET", "/metrics", null),
        new Probe("openApi", "GET", "/openapi.json", null),
        new Probe("syncInfo", "GET", "/v1/sync/info", null),
        new Probe("syncFeed", "GET", "/v1/sync/feed?after=0&limit=2", null),
        new Probe("syncFeed", "GET", "/v1/sync/feed?after=soon", null),
        new Probe("syncPush", "POST", "/v1/sync/push", "{\"nodeId\":\"peer-oa\",\"items\":[],\"last\":0}"),
        new Probe("syncPush", "POST", "/v1/sync/push", "{not json"),
        new Probe("addRemote", "POST", "/v1/sync/remotes",
            "{\"name\":\"oa-remote\",\"url\":\"http://127.0.0.1:9\",\"options\":{\"direction\":\"PULL\",\"pollInterval\":60}}"),
        new Probe("addRemote", "POST", "/v1/sync/remotes", "{\"name\":\"oa-remote\",\"url\":\"http://127.0.0.1:9\"}"),
        new Probe("listRemotes", "GET", "/v1/sync/remotes", null),
        new Probe("removeRemote", "DELETE", "/v1/sync/remotes/oa-remote", null),
        new Probe("removeRemote", "DELETE", "/v1/sync/remotes/oa-remote", null),
        new Probe("listDeadLetters", "GET", "/v1/sync/dead-letters", null),
        new Probe("retryDeadLetter", "POST", "/v1/sync/dead-letters/missing/retry", null),
        new Probe("discardDeadLetter", "POST", "/v1/sync/dead-letters/missing/discard", null),
        new Probe("exportToken", "POST", "/v1/sync/tokens/export", "{\"token\":\"" + far + "\"}"),
        new Probe("exportToken", "POST", "/v1/sync/tokens/export", "{\"token\":\"\"}"),
        new Probe("awaitToken", "GET", "/v1/sync/tokens/await?timeoutMs=20&token=" + cross, null),
        new Probe("awaitToken", "GET", "/v1/sync/tokens/await", null));

    Set<String> exercised = new LinkedHashSet<>();
    List<String> errors = new ArrayList<>();
    for (Probe probe : probes) {
      JsonNode operation = operation(probe.operationId());
      exercised.add(probe.operationId());
      if (probe.operationId().equals("streamEvents") && probe.path().contains("JOB_FAILED")) {
        try (SseRecorder events = SseRecorder.open(client, probe.path())) {
          checkStatus(probe, operation, events.status(), "text/event-stream", errors);
        }
        continue;
      }
      ApiResponse response = client.send(probe.method(), probe.path(), probe.body(), probe.headers());
      JsonNode documented = checkStatus(probe, operation, response.status(), response.contentType(), errors);
      if (documented != null && response.contentType().contains("json")) {
        JsonNode schema = documented.path("schema");
        SchemaCheck.check(spec, schema, response.json(), "$", errors, probe + " -> " + response.status());
      }
    }

    Set<String> documentedOperations = new TreeSet<>();
    spec.get("paths").forEach(path -> path.properties().forEach(op -> {
      if (op.getValue().has("operationId")) {
        documentedOperations.add(op.getValue().get("operationId").asText());
      }
    }));
    assertThat(errors).isEmpty();
    assertThat(new TreeSet<>(exercised)).isEqualTo(documentedOperations);
  }

  /** Checks the status and content type are documented; returns the media type object or null. */
  private static JsonNode checkStatus(Probe probe, JsonNode operation, int status, String contentType, List<String> errors) {
    JsonNode response = operation.path("responses").path(Integer.toString(status));
    if (response.isMissingNode()) {
      errors.add(probe + " answered undocumented status " + status);
      return null;
    }
    response = SchemaCheck.resolve(spec, response);
    String mediaType = contentType.split(";")[0].trim();
    JsonNode content = response.path("content");
    if (!content.has(mediaType)) {
      errors.add(probe + " answered " + status + " with undocumented content type " + contentType
          + " (documented: " + content.properties().stream().map(Map.Entry::getKey).toList() + ")");
      return null;
    }
    return content.get(mediaType);
  }

  private static JsonNode operation(String operationId) {
    for (Iterator<JsonNode> paths = spec.get("paths").elements(); paths.hasNext(); ) {
      for (Map.Entry<String, JsonNode> op : paths.next().properties()) {
        if (operationId.equals(op.getValue().path("operationId").asText())) {
          return op.getValue();
        }
      }
    }
    throw new AssertionError("no operation " + operationId + " in openapi.json");
  }
}
