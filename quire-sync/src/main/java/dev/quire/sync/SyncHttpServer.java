package dev.quire.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync endpoints over HTTP (JDK server, virtual threads), usable next to the main API or on
 * their own port:
 * <pre>
 * GET    /sync/v1/info                       {nodeId, head}
 * GET    /sync/v1/feed?after&amp;limit&amp;peer&amp;filter   a {@link FeedPage}
 * POST   /sync/v1/push                       {@link PushRequest} → {@link PushResult}
 * GET    /sync/v1/remotes                    statuses
 * POST   /sync/v1/remotes                    {name, url, filter, options}
 * DELETE /sync/v1/remotes/{name}
 * GET    /sync/v1/dead-letters
 * POST   /sync/v1/dead-letters/{id}/retry
 * DELETE /sync/v1/dead-letters/{id}
 * POST   /sync/v1/tokens/export              {token: local encoded token} → {crossToken}
 * GET    /sync/v1/tokens/await?token&amp;timeoutMs   → {token: local encoded token}
 * </pre>
 * Every route requires {@code Authorization: Bearer <token>} when a token is configured.
 */
public final class SyncHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncHttpServer.class);
  private static final ObjectMapper MAPPER = Json.mapper();
  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);

  private final SyncManager sync;
  private final String bearerToken;
  private final HttpServer server;

  private SyncHttpServer(SyncManager sync, String bind, int port, String bearerToken) throws IOException {
    this.sync = sync;
    this.bearerToken = bearerToken;
    this.server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/sync/v1/", this::handle);
    server.start();
  }

  /** Binds {@code bind:port} (0: any free port) and serves until closed. */
  public static SyncHttpServer start(SyncManager sync, String bind, int port, String bearerToken) throws IOException {
    return new SyncHttpServer(sync, bind, port, bearerToken);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (bearerToken != null) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + bearerToken)) {
          reply(ex, 401, Map.of("error", "unauthorized"));
          return;
        }
      }
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath().substring("/sync/v1/".length());
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String[] parts = path.split("/");
      try {
        Object body = route(method, parts, q, ex.getRequestBody());
        reply(ex, body == null ? 204 : 200, body);
      } catch (NoSuchElementException e) {
        reply(ex, 404, Map.of("error", e.getMessage()));
      } catch (IllegalArgumentException e) {
        reply(ex, 400, Map.of("error", String.valueOf(e.getMessage())));
      } catch (TimeoutException e) {
        reply(ex, 504, Map.of("error", "timed out"));
      } catch (Exception e) {
        log.warn("sync request {} {} failed", method, path, e);
        reply(ex, 500, Map.of("error", e.toString()));
      }
    }
  }

  private Object route(String method, String[] p, Map<String, String> q, InputStream body) throws Exception {
    String head = p[0];
    switch (method + " " + head + (p.length > 1 ? "/" + p.length : "")) {
      case "GET info":
        return Map.of("nodeId", sync.nodeId(), "head", sync.head());
      case "GET feed": {
        RemoteFilter filter = q.containsKey("filter") ? MAPPER.readValue(q.get("filter"), RemoteFilter.class)
            : RemoteFilter.ALL;
        return sync.feed(Long.parseLong(q.getOrDefault("after", "0")), Integer.parseInt(q.getOrDefault("limit", "500")),
            q.get("peer"), filter);
      }
      case "POST push":
        return sync.receive(MAPPER.readValue(body, PushRequest.class), PUSH_TIMEOUT);
      case "GET remotes":
        return sync.statuses();
      case "POST remotes": {
        JsonNode n = MAPPER.readTree(body);
        RemoteFilter filter = n.hasNonNull("filter") ? MAPPER.treeToValue(n.get("filter"), RemoteFilter.class) : null;
        RemoteOptions options = n.hasNonNull("options") ? MAPPER.treeToValue(n.get("options"), RemoteOptions.class) : null;
        return sync.add(n.path("name").asText(), n.path("url").asText(), filter, options);
      }
      case "DELETE remotes/2":
        sync.remove(p[1]);
        return null;
      case "GET dead-letters":
        return sync.deadLetters();
      case "POST dead-letters/3":
        if (!"retry".equals(p[2])) {
          throw new NoSuchElementException("No route");
        }
        return Map.of("remaining", sync.retry(p[1], PUSH_TIMEOUT));
      case "DELETE dead-letters/2":
        sync.discard(p[1]);
        return null;
      case "POST tokens/2":
        if (!"export".equals(p[1])) {
          throw new NoSuchElementException("No route");
        }
        return Map.of("crossToken", sync.exportToken(ConsistencyToken.decode(MAPPER.readTree(body).path("token").asText())));
      case "GET tokens/2": {
        if (!"await".equals(p[1])) {
          throw new NoSuchElementException("No route");
        }
        long timeoutMs = Long.parseLong(q.getOrDefault("timeoutMs", "10000"));
        try {
          ConsistencyToken local = sync.awaitToken(q.get("token"), Duration.ofMillis(timeoutMs))
              .get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
          return Map.of("token", local.encode());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TimeoutException t) {
            throw t;
          }
          throw e;
        }
      }
      default:
        throw new NoSuchElementException("No sync route " + method + " /sync/v1/" + String.join("/", p));
    }
  }

  private static void reply(HttpExchange ex, int status, Object body) throws IOException {
    if (body == null) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }
}
