package dev.quire.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The three Quire HTTP endpoints the benchmark uses (see the server's {@code openapi.json}):
 * {@code POST /v1/documents?wait=true}, {@code POST /v1/documents/{id}/actions?wait=true} and
 * {@code GET /v1/documents/{id}} with a {@code Quire-Consistency-Token} header.
 *
 * <p>HTTP/1.1 with kept-alive connections, as most real clients use: a pool of {@link
 * HttpConnection}s, each lent to one call at a time (so each concurrent request holds one
 * connection; a closed-loop client keeps reusing the same one). Calls block the calling (virtual)
 * thread. The client is deliberately lean, since it shares the machine's cores with the server it
 * measures. Successful bodies are discarded unread: the benchmark times the answer, it does not
 * parse the document; failed bodies (problem JSON) are kept to report.
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
  private final String basePath;
  private final String host;
  private final String authorization;
  private final Duration requestTimeout;
  /** Idle connections, most recently used first: busy ones stay warm, the rest may time out. */
  private final Deque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param base the server, e.g. {@code http://127.0.0.1:8080}, without a trailing slash
   * @param authToken bearer token sent with the writes; null for none
   * @param requestTimeout how long the answer to one request may take to arrive (per read)
   */
  QuireApi(URI base, String authToken, Duration requestTimeout) {
    this.base = base;
    this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
    this.host = base.getRawAuthority();
    this.authorization = authToken == null ? null : "Bearer " + authToken;
    this.requestTimeout = requestTimeout;
  }

  /** {@code POST /v1/documents?wait=true} of an empty {@code quire/json} document; 200 once READ_READY. */
  Answer create(String id) throws IOException, InterruptedException {
    ObjectNode body = mapper.createObjectNode();
    body.put("documentType", "quire/json");
    body.put("id", id);
    return send(write("/v1/documents?wait=true", mapper.writeValueAsString(body)));
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
    StringBuilder head = head("GET", document(id, ""));
    head.append(TOKEN_HEADER).append(": ").append(token).append("\r\n\r\n");
    return send(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public void close() {
    HttpConnection connection;
    while ((connection = idle.pollFirst()) != null) {
      connection.close();
    }
  }

  private String document(String id, String suffix) {
    // The benchmark's ids are [a-z0-9-] only: nothing to escape in a path segment.
    return "/v1/documents/" + id + suffix;
  }

  private StringBuilder head(String method, String path) {
    StringBuilder head = new StringBuilder(256)
        .append(method).append(' ').append(basePath).append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append("\r\n")
        .append("Accept: ").append(JSON).append("\r\n");
    return head;
  }

  private byte[] write(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = head("POST", path)
        .append("Content-Type: ").append(JSON).append("\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /**
   * Sends on an idle connection, or a new one. When a reused connection turns out closed before any
   * byte of the answer (the server's idle timeout closed it meanwhile), the request goes once more on
   * a new connection, as HTTP clients do for kept-alive connections; any other failure is the
   * caller's.
   */
  private Answer send(byte[] request) throws IOException, InterruptedException {
    HttpConnection connection = idle.pollFirst();
    if (connection != null) {
      try {
        return send(connection, request);
      } catch (HttpConnection.ClosedBeforeAnswerException stale) {
        // Resent below.
      }
    }
    return send(new HttpConnection(base, CONNECT_TIMEOUT, requestTimeout), request);
  }

  private Answer send(HttpConnection connection, byte[] request) throws IOException, InterruptedException {
    HttpConnection.Answer answer;
    try {
      answer = connection.exchange(request, status -> status / 100 != 2);
    } catch (IOException e) {
      connection.close();
      if (Thread.currentThread().isInterrupted()) {
        // An interrupted virtual thread's socket is closed under it: report the interrupt, not the I/O.
        throw new InterruptedException("interrupted while waiting for " + base);
      }
      throw e;
    }
    if (connection.reusable()) {
      idle.offerFirst(connection);
    } else {
      connection.close();
    }
    return new Answer(answer.status(), answer.token(),
        answer.body() == null ? null : new String(answer.body(), StandardCharsets.UTF_8));
  }
}
