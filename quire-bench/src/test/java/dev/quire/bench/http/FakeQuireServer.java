package dev.quire.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for {@code quire serve} with the three endpoints the HTTP benchmark uses, on a free
 * loopback port: create ({@code POST /v1/documents?wait=true}), actions ({@code POST
 * /v1/documents/{id}/actions?wait=true}, answering with a {@code Quire-Consistency-Token}) and read
 * ({@code GET /v1/documents/{id}}, checking the token is one it issued for that document). It counts
 * what it saw, and can answer one chosen action request with a 500 problem or require a bearer token.
 */
final class FakeQuireServer implements AutoCloseable {

  static final String PROBLEM = "{\"type\":\"urn:quire:problem:internal\",\"title\":\"Internal error\","
      + "\"status\":500,\"detail\":\"injected failure\"}";

  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> documents = ConcurrentHashMap.newKeySet();
  /** Tokens issued, as {@code documentId|token}: a read must present one issued for its document. */
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextToken = new AtomicLong();
  private final AtomicInteger actionRequests = new AtomicInteger();
  final AtomicLong creates = new AtomicLong();
  final AtomicLong actions = new AtomicLong();
  final AtomicLong jobsAnswered = new AtomicLong();
  final AtomicLong readsWithToken = new AtomicLong();
  final AtomicLong readsWithoutToken = new AtomicLong();
  final AtomicLong unauthorized = new AtomicLong();
  private volatile int failActionRequest = -1;
  private volatile boolean failCreates;
  private volatile String bearer;

  FakeQuireServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/documents", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers the {@code n}-th action request (0-based, counted over the whole run) with a 500 problem. */
  FakeQuireServer failingActionRequest(int n) {
    failActionRequest = n;
    return this;
  }

  /** Answers every create with a 500 problem. */
  FakeQuireServer failingCreates() {
    failCreates = true;
    return this;
  }

  /** Requires {@code Authorization: Bearer <token>} on writes, as the server does with a token file. */
  FakeQuireServer requiringToken(String token) {
    bearer = token;
    return this;
  }

  int documentCount() {
    return documents.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String[] parts = path.split("/"); // "", "v1", "documents", id?, "actions"?
      if (method.equals("POST") && !authorized(exchange)) {
        unauthorized.incrementAndGet();
        answer(exchange, 401, "{\"type\":\"urn:quire:problem:unauthorized\",\"status\":401}", null);
      } else if (method.equals("POST") && parts.length == 3) {
        create(exchange, mapper.readTree(body));
      } else if (method.equals("POST") && parts.length == 5 && parts[4].equals("actions")) {
        mutate(exchange, parts[3], mapper.readTree(body));
      } else if (method.equals("GET") && parts.length == 4) {
        read(exchange, parts[3]);
      } else {
        answer(exchange, 404, "{\"type\":\"urn:quire:problem:not-found\",\"status\":404}", null);
      }
    }
  }

  private void create(HttpExchange exchange, JsonNode body) throws IOException {
    if (failCreates) {
      answer(exchange, 500, PROBLEM, null);
      return;
    }
    String id = body.path("id").asText();
    if (!wait(exchange) || !body.path("documentType").asText().equals("quire/json") || !documents.add(id)) {
      answer(exchange, 400, "{\"type\":\"urn:quire:problem:invalid-body\",\"status\":400}", null);
      return;
    }
    creates.incrementAndGet();
    answer(exchange, 200, "{\"job\":{\"status\":\"READ_READY\"},\"document\":{}}", issue(id));
  }

  private void mutate(HttpExchange exchange, String id, JsonNode body) throws IOException {
    int request = actionRequests.getAndIncrement();
    if (request == failActionRequest) {
      answer(exchange, 500, PROBLEM, null);
      return;
    }
    JsonNode list = body.path("actions");
    boolean valid = wait(exchange) && documents.contains(id) && list.isArray() && !list.isEmpty();
    for (JsonNode action : list) {
      valid &= action.path("type").asText().equals("SET")
          && action.path("input").path("path").asText().equals("/counter")
          && action.path("input").path("value").isIntegralNumber();
    }
    if (!valid) {
      answer(exchange, 400, "{\"type\":\"urn:quire:problem:invalid-body\",\"status\":400}", null);
      return;
    }
    actions.addAndGet(list.size());
    jobsAnswered.incrementAndGet();
    answer(exchange, 200, "{\"job\":{\"status\":\"READ_READY\"},\"document\":{}}", issue(id));
  }

  private void read(HttpExchange exchange, String id) throws IOException {
    String token = exchange.getRequestHeaders().getFirst(QuireApi.TOKEN_HEADER);
    if (token == null || !tokens.contains(id + "|" + token)) {
      readsWithoutToken.incrementAndGet();
      answer(exchange, 400, "{\"type\":\"urn:quire:problem:bad-token\",\"status\":400}", null);
      return;
    }
    readsWithToken.incrementAndGet();
    answer(exchange, 200, "{\"header\":{\"id\":\"" + id + "\"},\"state\":{}}", null);
  }

  private String issue(String id) {
    String token = "token-" + nextToken.incrementAndGet();
    tokens.add(id + "|" + token);
    return token;
  }

  private boolean authorized(HttpExchange exchange) {
    String expected = bearer;
    return expected == null || ("Bearer " + expected).equals(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  private static boolean wait(HttpExchange exchange) {
    String query = exchange.getRequestURI().getQuery();
    return query != null && query.contains("wait=true");
  }

  private static void answer(HttpExchange exchange, int status, String json, String token) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type",
        status / 100 == 2 ? "application/json" : "application/problem+json");
    if (token != null) {
      exchange.getResponseHeaders().set(QuireApi.TOKEN_HEADER, token);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
