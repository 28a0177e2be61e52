package dev.quire.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.model.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sync endpoints, independent of any HTTP server: every transport ({@code quire serve}'s
 * Javalin routes, {@link SyncHttpServer} in tests) parses the request into these calls and writes
 * the returned value as JSON. Paths are relative to {@link #PREFIX}:
 * <pre>
 * GET    info                              {@link Info}
 * GET    feed?after&amp;limit&amp;peer&amp;filter       a {@link FeedPage}
 * POST   push                              {@link PushRequest} → {@link PushResult}
 * GET    remotes                           statuses
 * POST   remotes                           {name, url, filter, options} → status
 * DELETE remotes/{name}
 * GET    dead-letters
 * POST   dead-letters/{id}/retry           {remaining: [...]}
 * POST   dead-letters/{id}/discard
 * POST   tokens/export                     {token: local encoded token} → {crossToken}
 * GET    tokens/await?token&amp;timeoutMs       → {token: local encoded token}
 * </pre>
 * Failures are thrown for the transport to map: {@link java.util.NoSuchElementException} (404),
 * {@link IllegalArgumentException} (400), {@link TimeoutException} (504).
 */
public final class SyncApi {

  /** Where the sync endpoints live on a server; {@link RemoteLink} calls a remote's endpoints here. */
  public static final String PREFIX = "/v1/sync";

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);
  private static final long DEFAULT_AWAIT_MS = 10_000;

  private final SyncManager sync;

  public SyncApi(SyncManager sync) {
    this.sync = Objects.requireNonNull(sync, "sync");
  }

  /** Body of {@code GET info}. */
  public record Info(String nodeId, long head) {}

  public SyncManager manager() {
    return sync;
  }

  public Info info() {
    return new Info(sync.nodeId(), sync.head());
  }

  /** Query values as given (null when absent). */
  public FeedPage feed(String after, String limit, String peer, String filterJson) {
    RemoteFilter filter = filterJson == null || filterJson.isBlank() ? RemoteFilter.ALL
        : parse(filterJson.getBytes(java.nio.charset.StandardCharsets.UTF_8), RemoteFilter.class, "filter");
    return sync.feed(number(after, 0, "after"), (int) number(limit, 500, "limit"), peer, filter);
  }

  public PushResult push(byte[] body) throws InterruptedException, TimeoutException {
    return sync.receive(parse(body, PushRequest.class, "push body"), PUSH_TIMEOUT);
  }

  public List<RemoteStatus> remotes() {
    return sync.statuses();
  }

  /**
   * Adds the remote and answers its status (the body's bearer token is not echoed). Option fields
   * the body leaves out take {@link RemoteOptions#DEFAULTS}' values.
   */
  public RemoteStatus addRemote(byte[] body) {
    JsonNode node = parse(body, JsonNode.class, "remote");
    String name = node.path("name").asText("");
    String url = node.path("url").asText("");
    if (url.isBlank()) {
      throw new IllegalArgumentException("url: must not be empty");
    }
    RemoteFilter filter = node.hasNonNull("filter") ? convert(node.get("filter"), RemoteFilter.class, "filter") : null;
    RemoteOptions options = null;
    if (node.hasNonNull("options")) {
      if (!node.get("options").isObject()) {
        throw new IllegalArgumentException("options: must be an object");
      }
      ObjectNode merged = MAPPER.valueToTree(RemoteOptions.DEFAULTS);
      merged.setAll((ObjectNode) node.get("options"));
      options = convert(merged, RemoteOptions.class, "options");
    }
    sync.add(name, url, filter, options);
    return sync.status(name);
  }

  public void removeRemote(String name) {
    sync.remove(name);
  }

  public List<DeadLetter> deadLetters() {
    return sync.deadLetters();
  }

  public Map<String, List<DeadLetter>> retry(String id) throws InterruptedException, TimeoutException {
    return Map.of("remaining", sync.retry(id, PUSH_TIMEOUT));
  }

  public void discard(String id) {
    sync.discard(id);
  }

  public Map<String, String> exportToken(byte[] body) {
    JsonNode node = parse(body, JsonNode.class, "body");
    String token = node.path("token").asText("");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token: must be a consistency token");
    }
    return Map.of("crossToken", sync.exportToken(ConsistencyToken.decode(token)));
  }

  public Map<String, String> awaitToken(String crossToken, String timeoutMs)
      throws InterruptedException, TimeoutException {
    if (crossToken == null || crossToken.isBlank()) {
      throw new IllegalArgumentException("token: must be a cross token");
    }
    long millis = number(timeoutMs, DEFAULT_AWAIT_MS, "timeoutMs");
    try {
      ConsistencyToken local = sync.awaitToken(crossToken, Duration.ofMillis(millis))
          .get(millis + 1_000, TimeUnit.MILLISECONDS);
      return Map.of("token", local.encode());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException t) {
        throw t;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static long number(String value, long fallback, String name) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be a number >= 0, got \"" + value + "\"");
    }
  }

  private static <T> T convert(JsonNode node, Class<T> type, String what) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  private static <T> T parse(byte[] body, Class<T> type, String what) {
    if (body == null || body.length == 0) {
      throw new IllegalArgumentException(what + ": a JSON body is required");
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": not valid JSON for " + type.getSimpleName() + ": "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": unreadable: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }
}
