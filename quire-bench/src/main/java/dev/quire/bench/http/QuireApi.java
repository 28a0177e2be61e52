package dev.quire.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The three Quire HTTP endpoints the benchmark uses (see the server's {@code openapi.json}):
 * {@code POST /v1/documents?wait=true}, {@code POST /v1/documents/{id}/actions?wait=true} and
 * {@code GET /v1/documents/{id}} with a {@code Quire-Consistency-Token} header.
 *
 * <p>One shared {@link HttpClient} (HTTP/1.1, so each concurrent request holds one kept-alive
 * connection, as most real clients do) whose async work runs on virtual threads. Calls block the
 * calling (virtual) thread. Successful bodies are discarded unread: the benchmark times the answer,
 * it does not parse the document; failed bodies (problem JSON) are kept to report.
 *
 * <p>Concurrency: thread-safe; {@link #close()} once every call has returned.
 */
final class QuireApi implements AutoCloseable {

  static final String TOKEN_HEADER = "Quire-Consistency-Token";
  private static final String JSON = "application/json";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * One answer.
   *
   * @param token the {@code Quire-Consistency-Token} header; null when absent
   * @param body the body of a non-2xx answer; null for 2xx answers (discarded)
   */
  record Answer(int status, String token, String body) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  private final URI base;
  private final String authorization;
  private final Duration requestTimeout;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param base the server, e.g. {@code http://127.0.0.1:8080}, without a trailing slash
   * @param authToken bearer token sent with the writes; null for none
   * @param requestTimeout how long one request may take, answer included
   */
  QuireApi(URI base, String authToken, Duration requestTimeout) {
    this.base = base;
    this.authorization = authToken == null ? null : "Bearer " + authToken;
    this.requestTimeout = requestTimeout;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .executor(executor)
        .build();
  }

  /** {@code POST /v1/documents?wait=true} of an empty {@code quire/json} document; 200 once READ_READY. */
  Answer create(String id) throws IOException, InterruptedException {
    ObjectNode body = mapper.createObjectNode();
    body.put("documentType", "quire/json");
    body.put("id", id);
    return send(write(URI.create(base + "/v1/documents?wait=true"), mapper.writeValueAsString(body)));
  }

  /**
   * {@code POST /v1/documents/{id}/actions?wait=true}: {@code count} {@code SET}s of {@code /counter}
   * to {@code firstValue}, {@code firstValue + 1}, ...; 200 with the token once READ_READY.
   */
  Answer execute(String id, long firstValue, int count) throws IOException, InterruptedException {
    // Built by hand: this is the hot path, and numbers need no escaping.
    StringBuilder body = new StringBuilder(32 + 60 * count).append("{\"actions\":[");
    for (int a = 0; a < count; a++) {
      if (a > 0) {
        body.append(',');
      }
      body.append("{\"type\":\"SET\",\"input\":{\"path\":\"/counter\",\"value\":").append(firstValue + a).append("}}");
    }
    body.append("]}");
    return send(write(document(id, "/actions?wait=true"), body.toString()));
  }

  /** {@code GET /v1/documents/{id}} after {@code token}: the server waits until its view has that write. */
  Answer read(String id, String token) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(document(id, ""))
        .timeout(requestTimeout)
        .header("Accept", JSON)
        .header(TOKEN_HEADER, token)
        .GET()
        .build();
    return send(request);
  }

  @Override
  public void close() {
    client.close();
    executor.close();
  }

  private URI document(String id, String suffix) {
    // The benchmark's ids are [a-z0-9-] only: nothing to escape in a path segment.
    return URI.create(base + "/v1/documents/" + id + suffix);
  }

  private HttpRequest write(URI uri, String json) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Content-Type", JSON)
        .header("Accept", JSON)
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private Answer send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request, info -> info.statusCode() / 100 == 2
        ? HttpResponse.BodySubscribers.replacing(null)
        : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), response.headers().firstValue(TOKEN_HEADER).orElse(null),
        response.body());
  }
}
