package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.server.ApiClient;
import dev.quire.server.ApiClient.ApiResponse;
import dev.quire.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Read-model admin, health and metrics, with a read model that parks a stream. */
@Timeout(30)
class HttpApiAdminTest {

  static TestServer server;
  static ApiClient client;
  static final FlakyReadModel flaky = new FlakyReadModel();

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> c, builder -> builder.readModel(flaky).retryPolicy(RetryPolicy.none()));
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void parkedReadModel_answers503_isListed_andSkipReleasesIt() {
    ApiResponse parked = client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"poison-1\"}");
    assertThat(parked.status()).as(parked.toString()).isEqualTo(503);
    assertThat(parked.json().get("type").asText()).isEqualTo("urn:quire:problem:read-model-parked");
    assertThat(parked.json().at("/job/status").asText()).isEqualTo("READ_FAILED");

    JsonNode models = client.get("/v1/read-models").json();
    JsonNode flakyStatus = find(models, FlakyReadModel.NAME);
    String stream = "poison-1:document:main";
    assertThat(flakyStatus.get("parkedStreams")).extracting(p -> p.get("stream").asText()).contains(stream);
    assertThat(flakyStatus.at("/lastError/message").asText()).contains("poisoned");
    assertThat(find(models, "document-view").get("parkedStreams")).isEmpty();

    String path = "/v1/read-models/" + FlakyReadModel.NAME + "/streams/" + URLEncoder.encode(stream, StandardCharsets.UTF_8);
    ApiResponse skipped = client.post(path + "/skip", (String) null);
    assertThat(skipped.status()).isEqualTo(202);
    assertThat(client.get("/v1/read-models/" + FlakyReadModel.NAME).json().get("parkedStreams"))
        .extracting(p -> p.get("stream").asText()).doesNotContain(stream);
    ApiResponse again = client.post(path + "/retry", (String) null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().get("type").asText()).isEqualTo("urn:quire:problem:stream-not-parked");
  }

  @Test
  void retry_afterTheCauseIsFixed_indexesTheBatch() {
    ApiResponse parked = client.post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"poison-2\"}");
    assertThat(parked.status()).isEqualTo(503);
    flaky.heal("poison-2");

    ApiResponse retried = client.post("/v1/read-models/flaky/streams/poison-2%3Adocument%3Amain/retry", (String) null);

    assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
    JsonNode status = client.get("/v1/read-models/flaky").json();
    assertThat(status.get("parkedStreams")).extracting(p -> p.get("documentId").asText()).doesNotContain("poison-2");
    String jobId = parked.json().get("jobId").asText();
    assertThat(client.get("/v1/jobs/" + jobId + "?waitFor=READ_READY").json().get("status").asText())
        .isEqualTo("READ_READY");
  }

  @Test
  void unknownReadModel_is404_badStream_is400_rebuildUnsupported_is501() {
    assertThat(client.get("/v1/read-models/nope").status()).isEqualTo(404);
    assertThat(client.post("/v1/read-models/nope/rebuild", (String) null).status()).isEqualTo(404);
    assertThat(client.post("/v1/read-models/flaky/streams/not-a-key/skip", (String) null).status()).isEqualTo(400);
    ApiResponse rebuild = client.post("/v1/read-models/document-view/rebuild", (String) null);
    assertThat(rebuild.status()).isEqualTo(501);
    assertThat(rebuild.contentType()).startsWith("application/problem+json");
  }

  @Test
  void health_liveAndReady() {
    assertThat(client.get("/health/live").json().get("status").asText()).isEqualTo("UP");
    ApiResponse ready = client.get("/health/ready");
    assertThat(ready.json().get("readModels")).isNotEmpty();
  }

  @Test
  void metrics_exposeJobsLatencyAndReadModels() {
    client.createJson("metrics-1");
    String metrics = client.get("/metrics").body();
    assertThat(metrics)
        .contains("quire_jobs_total{state=\"submitted\"}")
        .contains("quire_jobs_total{state=\"read_ready\"}")
        .contains("quire_job_read_ready_latency_seconds_bucket")
        .contains("quire_read_model_indexing_seconds_bucket{outcome=\"success\",read_model=\"document-view\"")
        .contains("quire_read_model_lag_operations{read_model=\"document-view\"}")
        .contains("quire_read_model_parked_streams{read_model=\"flaky\"}")
        .contains("quire_consistency_waiters{read_model=\"document-view\"}")
        .contains("quire_read_model_chain_depth")
        .contains("quire_jobs_in_flight{state=\"pending_or_running\"}")
        .contains("quire_http_requests_seconds_count{method=\"POST\",route=\"/v1/documents\"");
  }

  private static JsonNode find(JsonNode models, String name) {
    for (JsonNode model : models.get("readModels")) {
      if (model.get("name").asText().equals(name)) {
        return model;
      }
    }
    throw new AssertionError("no read model " + name + " in " + models);
  }
}
