package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole write → job → read-with-token cycle over HTTP. */
@Timeout(30)
class HttpApiWriteReadTest {

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
  void create_answers202WithPendingJob_thenJobCarriesTokenAndReadWithTokenSeesTheDocument() {
    ApiResponse created = client.post("/v1/documents",
        "{\"documentType\":\"quire/json\",\"id\":\"cycle-1\",\"slug\":\"cycle\",\"name\":\"Cycle\",\"state\":{\"global\":{\"n\":1}}}");

    assertThat(created.status()).isEqualTo(202);
    assertThat(created.contentType()).startsWith("application/json");
    JsonNode job = created.json();
    assertThat(job.get("documentId").asText()).isEqualTo("cycle-1");
    assertThat(job.get("status").asText()).isIn("PENDING", "RUNNING", "WRITE_READY", "READ_READY");
    assertThat(created.header("Location")).contains("/v1/jobs/" + job.get("id").asText());

    ApiResponse done = client.get("/v1/jobs/" + job.get("id").asText() + "?waitFor=READ_READY&timeoutMs=5000");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("status").asText()).isEqualTo("READ_READY");
    String token = done.header(Tokens.HEADER).orElseThrow();
    assertThat(done.json().get("consistencyToken").asText()).isEqualTo(token);
    assertThat(ConsistencyToken.decode(token).coordinates()).isNotEmpty();

    ApiResponse read = client.get("/v1/documents/cycle-1", Tokens.HEADER, token);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().at("/header/slug").asText()).isEqualTo("cycle");
    assertThat(read.json().at("/header/name").asText()).isEqualTo("Cycle");
    assertThat(read.json().at("/state/global/n").asInt()).isEqualTo(1);
  }

  @Test
  void mutate_thenReadWithTheJobsToken_seesTheMutation() {
    client.createJson("cycle-2");

    ApiResponse accepted = client.set("cycle-2", "/title", TextNode.valueOf("hello"), null);
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().get("id").asText();
    ApiResponse done = client.get("/v1/jobs/" + jobId + "?waitFor=READ_READY");
    String token = done.header(Tokens.HEADER).orElseThrow();

    ApiResponse read = client.get("/v1/documents/cycle-2?timeoutMs=5000", Tokens.HEADER, token);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().at("/state/global/title").asText()).isEqualTo("hello");
    assertThat(read.json().at("/header/revision/global").asLong()).isEqualTo(1);
  }

  @Test
  void mutate_rightAfterAnUnwrittenCreate_waitsForTheCreateInsteadOf404() {
    for (int i = 0; i < 20; i++) {
      String id = "eager-" + i;
      ApiResponse created = client.post("/v1/documents", "{\"documentType\":\"quire/json\",\"id\":\"" + id + "\"}");
      assertThat(created.status()).isEqualTo(202);

      ApiResponse mutated = client.set(id, "/n", IntNode.valueOf(i), "?wait=true");

      assertThat(mutated.status()).as(mutated.toString()).isEqualTo(200);
      assertThat(mutated.json().at("/document/state/global/n").asInt()).isEqualTo(i);
    }
  }

  @Test
  void waitTrue_answers200WithJobAndDocumentAndToken() {
    client.createJson("cycle-3");

    ApiResponse response = client.set("cycle-3", "/count", IntNode.valueOf(7), "?wait=true&timeoutMs=5000");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().at("/job/status").asText()).isEqualTo("READ_READY");
    assertThat(response.json().at("/document/state/global/count").asInt()).isEqualTo(7);
    assertThat(response.header(Tokens.HEADER)).isPresent();
  }

  @Test
  void read_bySlug_andWithScopes_returnsOnlyThoseScopes() {
    client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"cycle-4\",\"slug\":\"slug-4\"}");

    ApiResponse bySlug = client.get("/v1/documents/slug-4");
    assertThat(bySlug.status()).isEqualTo(200);
    assertThat(bySlug.json().at("/header/id").asText()).isEqualTo("cycle-4");

    ApiResponse scoped = client.get("/v1/documents/cycle-4?scopes=global");
    assertThat(scoped.json().get("state").has("global")).isTrue();
    assertThat(scoped.json().get("state").has("local")).isFalse();
  }

  @Test
  void delete_withWait_removesTheDocument() {
    client.createJson("cycle-5");

    ApiResponse deleted = client.delete("/v1/documents/cycle-5?wait=true");

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("document").isNull()).isTrue();
    String token = deleted.header(Tokens.HEADER).orElseThrow();
    assertThat(client.get("/v1/documents/cycle-5", Tokens.HEADER, token).status()).isEqualTo(404);
  }

  @Test
  void operations_listsEveryScopeWithCursorPaging() {
    client.createJson("cycle-6");
    for (int i = 0; i < 3; i++) {
      client.set("cycle-6", "/v" + i, IntNode.valueOf(i), "?wait=true");
    }

    ApiResponse first = client.get("/v1/documents/cycle-6/operations?limit=2");
    assertThat(first.status()).isEqualTo(200);
    java.util.List<String> seen = new java.util.ArrayList<>();
    JsonNode page = first.json();
    int pages = 0;
    while (true) {
      page.get("items").forEach(op -> seen.add(op.get("scope").asText() + "@" + op.get("index").asLong()));
      pages++;
      if (page.get("nextCursor").isNull()) {
        break;
      }
      page = client.get("/v1/documents/cycle-6/operations?limit=2&cursor=" + page.get("nextCursor").asText()).json();
    }
    assertThat(seen).containsExactly("document@0", "global@0", "global@1", "global@2");
    assertThat(pages).isGreaterThanOrEqualTo(2);

    ApiResponse since = client.get("/v1/documents/cycle-6/operations?scope=global&sinceIndex=1");
    assertThat(since.json().get("items")).extracting(op -> op.get("index").asLong()).containsExactly(1L, 2L);
    assertThat(since.json().at("/items/0/action/type").asText()).isEqualTo("SET");
  }

  @Test
  void jobs_unknownId_is404() {
    ApiResponse response = client.get("/v1/jobs/no-such-job");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }
}
