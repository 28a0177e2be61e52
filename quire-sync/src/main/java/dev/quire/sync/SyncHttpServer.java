package dev.quire.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quire.model.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncApi} endpoints on a bare JDK HTTP server, for a replica that does not run
 * {@code quire serve} (embedding, and this module's tests). It only parses requests and writes
 * answers; {@code quire serve} mounts the same {@link SyncApi} on its Javalin API under the same
 * paths ({@link SyncApi#PREFIX}). Every route requires {@code Authorization: Bearer <token>} when a
 * token is configured.
 */
public final class SyncHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncHttpServer.class);
  private static final ObjectMapper MAPPER = Json.mapper();

  private final SyncApi api;
  private final String bearerToken;
  private final HttpServer server;

  private SyncHttpServer(SyncManager sync, String bind, int port, String bearerToken) throws IOException {
    this.api = new SyncApi(sync);
    this.bearerToken = bearerToken;
    this.server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(SyncApi.PREFIX + "/", this::handle);
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
      String path = ex.getRequestURI().getPath().substring(SyncApi.PREFIX.length() + 1);
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      try {
        Object body = route(method, path.split("/"), q, ex.getRequestBody().readAllBytes());
        reply(ex, body == null ? 204 : 200, body);
      } catch (NoSuchElementException e) {
        reply(ex, 404, Map.of("error", String.valueOf(e.getMessage())));
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

  private Object route(String method, String[] p, Map<String, String> q, byte[] body) throws Exception {
    String shape = method + " " + p[0] + (p.length > 1 ? "/" + p.length : "");
    return switch (shape) {
      case "GET info" -> api.info();
      case "GET feed" -> api.feed(q.get("after"), q.get("limit"), q.get("peer"), q.get("filter"));
      case "POST push" -> api.push(body);
      case "GET remotes" -> api.remotes();
      case "POST remotes" -> api.addRemote(body);
      case "DELETE remotes/2" -> {
        api.removeRemote(p[1]);
        yield null;
      }
      case "GET dead-letters" -> api.deadLetters();
      case "POST dead-letters/3" -> switch (p[2]) {
        case "retry" -> api.retry(p[1]);
        case "discard" -> {
          api.discard(p[1]);
          yield null;
        }
        default -> throw noRoute(method, p);
      };
      case "POST tokens/2" -> {
        if (!"export".equals(p[1])) {
          throw noRoute(method, p);
        }
        yield api.exportToken(body);
      }
      case "GET tokens/2" -> {
        if (!"await".equals(p[1])) {
          throw noRoute(method, p);
        }
        yield api.awaitToken(q.get("token"), q.get("timeoutMs"));
      }
      default -> throw noRoute(method, p);
    };
  }

  private static NoSuchElementException noRoute(String method, String[] p) {
    return new NoSuchElementException("No sync route " + method + " " + SyncApi.PREFIX + "/" + String.join("/", p));
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
