package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.ServerConfig;
import dev.quire.server.TestServer;
import dev.quire.store.OperationStore;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every refusal answers RFC 9457 problem JSON with its status, and changes nothing: the store's last
 * ordinal is the same before and after.
 */
@Timeout(30)
class HttpApiErrorsTest {

  static TestServer server;
  static ApiClient client;
  static OperationStore store;

  @BeforeAll
  static void start() {
    server = TestServer.start(config -> config.withHttp(
        ServerConfig.Http.defaults().withPort(0).withMaxBodyBytes(2_000).withMaxActionsPerRequest(3)));
    client = server.client();
    store = server.server().reactor().operationStore();
    client.createJson("err-1");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Runs the request, asserts its problem status and type, and that the store did not move. */
  private static JsonNode refused(int status, String kind, Supplier<ApiResponse> request) {
    long before = store.lastOrdinal();
    ApiResponse response = request.get();
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("type").asText()).isEqualTo("urn:quire:problem:" + kind);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(store.lastOrdinal()).as("the store must not change").isEqualTo(before);
    return problem;
  }

  @Test
  void malformedJson_is400() {
    refused(400, "malformed-json", () -> client.post("/v1/documents", "{\"documentType\": "));
    refused(400, "malformed-json", () -> client.post("/v1/documents/err-1/actions", "[1,"));
  }

  @Test
  void missingOrMistypedField_is400WithFieldErrors() {
    JsonNode problem = refused(400, "invalid-body", () -> client.post("/v1/documents", "{\"id\":\"x\"}"));
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("/documentType");
    refused(400, "invalid-body", () -> client.post("/v1/documents", "{\"documentType\":42}"));
    refused(400, "invalid-body", () -> client.post("/v1/documents/err-1/actions", "{\"actions\":[]}"));
    refused(400, "invalid-body", () -> client.post("/v1/documents/err-1/actions", "{\"actions\":[{\"input\":{}}]}"));
    refused(400, "invalid-body", () -> client.post("/v1/documents/err-1/actions",
        "{\"actions\":[{\"type\":\"SET\",\"scope\":\"nope\",\"input\":{}}]}"));
    refused(400, "invalid-body", () -> client.post("/v1/documents/err-1/actions",
        "{\"actions\":[{\"type\":\"DELETE_DOCUMENT\",\"scope\":\"global\",\"input\":{}}]}"));
  }

  @Test
  void unknownDocumentType_is422() {
    JsonNode problem = refused(422, "unknown-document-type",
        () -> client.post("/v1/documents", "{\"documentType\":\"acme/unknown\"}"));
    assertThat(problem.get("documentType").asText()).isEqualTo("acme/unknown");
  }

  @Test
  void invalidAction_is422WithTheReducersMessage_andWritesNothing() {
    JsonNode problem = refused(422, "invalid-action", () -> client.post("/v1/documents/err-1/actions",
        "{\"actions\":[{\"type\":\"SET\",\"input\":{\"path\":\"/a\",\"value\":1}},{\"type\":\"DELETE_PATH\",\"input\":{\"path\":\"/missing\"}}]}"));
    assertThat(problem.get("detail").asText()).contains("DELETE_PATH").contains("/missing");
    assertThat(problem.get("actionType").asText()).isEqualTo("DELETE_PATH");
    refused(422, "invalid-action", () -> client.post("/v1/documents/err-1/actions",
        "{\"actions\":[{\"type\":\"NO_SUCH_ACTION\",\"input\":{}}]}"));
  }

  @Test
  void existingId_is409() {
    refused(409, "document-exists",
        () -> client.post("/v1/documents", "{\"documentType\":\"quire/json\",\"id\":\"err-1\"}"));
  }

  @Test
  void unknownIds_are404() {
    refused(404, "document-not-found", () -> client.get("/v1/documents/nobody"));
    refused(404, "document-not-found", () -> client.post("/v1/documents/nobody/actions",
        "{\"actions\":[{\"type\":\"SET\",\"input\":{\"path\":\"/a\",\"value\":1}}]}"));
    refused(404, "document-not-found", () -> client.delete("/v1/documents/nobody"));
    refused(404, "document-not-found", () -> client.put("/v1/documents/err-1/relationships/child/nobody", null));
    refused(404, "document-not-found", () -> client.get("/v1/documents/nobody/operations"));
    refused(404, "job-not-found", () -> client.get("/v1/jobs/nobody"));
    refused(404, "not-found", () -> client.get("/v1/no-such-endpoint"));
  }

  @Test
  void oversizeBody_is413() {
    String big = "{\"documentType\":\"quire/json\",\"name\":\"" + "x".repeat(3_000) + "\"}";
    JsonNode problem = refused(413, "body-too-large", () -> client.post("/v1/documents", big));
    assertThat(problem.get("limitBytes").asLong()).isEqualTo(2_000);
  }

  @Test
  void tooManyActions_is413() {
    String action = "{\"type\":\"SET\",\"input\":{\"path\":\"/a\",\"value\":1}}";
    String body = "{\"actions\":[" + String.join(",", List.of(action, action, action, action)) + "]}";
    JsonNode problem = refused(413, "too-many-actions", () -> client.post("/v1/documents/err-1/actions", body));
    assertThat(problem.get("limit").asInt()).isEqualTo(3);
  }

  @Test
  void badToken_is400() {
    refused(400, "bad-token", () -> client.get("/v1/documents/err-1", Tokens.HEADER, "not-a-token"));
    refused(400, "bad-token", () -> client.get("/v1/documents?type=quire/json", Tokens.HEADER, "%%%"));
    refused(400, "bad-token", () -> client.get("/v1/documents/err-1/relationships", Tokens.HEADER, "e30"));
  }

  @Test
  void badParameters_are400_andNothingIsSubmitted() {
    refused(400, "invalid-parameter", () -> client.set("err-1", "/a", IntNode.valueOf(1), "?wait=maybe"));
    refused(400, "invalid-parameter", () -> client.set("err-1", "/a", IntNode.valueOf(1), "?wait=true&timeoutMs=-5"));
    refused(400, "invalid-parameter", () -> client.get("/v1/documents?type=quire/json&limit=5000"));
    refused(400, "invalid-parameter", () -> client.get("/v1/documents/err-1/relationships?direction=sideways"));
    refused(400, "invalid-parameter", () -> client.get("/v1/jobs/x?waitFor=WRITE_READY"));
    refused(400, "invalid-query", () -> client.get("/v1/documents?ids=a&slugs=b"));
  }

  @Test
  void tokenThatIsNeverReached_is504NamingTheUnmetCoordinates() {
    ConsistencyToken future = ConsistencyToken.of(Instant.now(),
        List.of(new ConsistencyCoordinate("err-1", "global", "main", 999)));

    JsonNode problem = refused(504, "consistency-timeout",
        () -> client.get("/v1/documents/err-1?timeoutMs=50", Tokens.HEADER, future.encode()));

    assertThat(problem.get("readModel").asText()).isEqualTo("document-view");
    assertThat(problem.at("/coordinates/0/documentId").asText()).isEqualTo("err-1");
    assertThat(problem.at("/coordinates/0/operationIndex").asLong()).isEqualTo(999);
    assertThat(problem.at("/coordinates/0/scope").asText()).isEqualTo("global");
  }
}
