package dev.quire.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.Reactor;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Json;
import dev.quire.server.ServerConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-model admin endpoints: status, rebuild, and retry or skip of a parked stream. The stream
 * is the {@link StreamKey} string ({@code documentId:scope:branch}, {@code :} and {@code \} escaped
 * with {@code \}), URL-encoded in the path.
 */
final class AdminHandlers {

  private static final Logger log = LoggerFactory.getLogger(AdminHandlers.class);

  private final Reactor reactor;
  private final ServerConfig config;
  private final ReadModelMonitor monitor;
  private final Map<String, Supplier<CompletableFuture<Void>>> rebuilders;
  /** Rebuilds under way, by read model; one at a time per read model. */
  private final Map<String, CompletableFuture<Long>> rebuilding = new ConcurrentHashMap<>();

  AdminHandlers(Reactor reactor, ServerConfig config, ReadModelMonitor monitor,
      Map<String, Supplier<CompletableFuture<Void>>> rebuilders) {
    this.reactor = reactor;
    this.config = config;
    this.monitor = monitor;
    this.rebuilders = rebuilders == null ? Map.of() : rebuilders;
  }

  /** GET /v1/read-models. */
  void list(Context ctx) {
    ObjectNode body = Json.object();
    ArrayNode items = body.putArray("readModels");
    monitor.reports().forEach(report -> items.add(ReadModelMonitor.toJson(report)));
    body.put("lastOrdinal", reactor.operationStore().lastOrdinal());
    body.put("chainDepth", reactor.coordinator().chainDepth());
    Responses.json(ctx, 200, body);
  }

  /** GET /v1/read-models/{name}. */
  void get(Context ctx) {
    Responses.json(ctx, 200, ReadModelMonitor.toJson(monitor.report(ctx.pathParam("name"))));
  }

  /**
   * POST /v1/read-models/{name}/rebuild[?wait=true&timeoutMs=]: rebuilds from the store into fresh
   * tables, swapped in once caught up; reads and indexing go on meanwhile. 202 at once, or 200 once
   * done with {@code wait=true} (with {@code rebuildMs}, how long it took); 409 while a rebuild of
   * that read model runs; 501 when its storage cannot be rebuilt (in memory).
   */
  void rebuild(Context ctx) {
    String name = ctx.pathParam("name");
    boolean wait = Params.flag(ctx, "wait");
    Duration timeout = Params.timeout(ctx, config.consistency().defaultWaitTimeout(), config.consistency().maxWaitTimeout());
    monitor.report(name); // 404 for an unknown name
    Supplier<CompletableFuture<Void>> rebuilder = rebuilders.get(name);
    if (rebuilder == null) {
      throw new ApiProblem(501, "rebuild-unsupported", "Rebuild not supported",
          "Read model " + name + " keeps no tables of its own to rebuild (in-memory storage)")
          .with("readModel", name);
    }
    CompletableFuture<Long> started = new CompletableFuture<>();
    if (rebuilding.putIfAbsent(name, started) != null) {
      throw new ApiProblem(409, "rebuild-in-progress", "Rebuild in progress",
          "A rebuild of " + name + " is already running").with("readModel", name);
    }
    log.info("read model rebuild started readModel={}", name);
    long began = System.nanoTime();
    CompletableFuture<Void> rebuild;
    try {
      rebuild = rebuilder.get();
    } catch (RuntimeException e) {
      rebuild = CompletableFuture.failedFuture(e);
    }
    rebuild.whenComplete((ignored, error) -> {
      rebuilding.remove(name, started);
      long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      if (error == null) {
        log.info("read model rebuilt readModel={} durationMs={}", name, millis);
        started.complete(millis);
      } else {
        log.error("read model rebuild failed readModel={} durationMs={}", name, millis, error);
        started.completeExceptionally(error);
      }
    });
    if (!wait) {
      Responses.json(ctx, 202, ReadModelMonitor.toJson(monitor.report(name)));
      return;
    }
    ctx.future(() -> started.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((millis, error) -> {
          Throwable cause = error == null ? null : ProblemMapper.unwrap(error);
          if (cause instanceof TimeoutException) {
            throw new ApiProblem(504, "rebuild-timeout", "Rebuild not finished in time",
                "The rebuild of " + name + " still runs after " + timeout.toMillis() + " ms")
                .with("readModel", name).with("waitedMs", timeout.toMillis());
          }
          if (cause != null) {
            throw new ApiProblem(500, "rebuild-failed", "Rebuild failed",
                "The rebuild of " + name + " failed: " + cause.getMessage()).with("readModel", name);
          }
          Responses.json(ctx, 200, ReadModelMonitor.toJson(monitor.report(name)).put("rebuildMs", millis));
          return null;
        }));
  }

  /** POST /v1/read-models/{name}/streams/{stream}/retry. */
  void retry(Context ctx) {
    release(ctx, "retry");
  }

  /** POST /v1/read-models/{name}/streams/{stream}/skip. */
  void skip(Context ctx) {
    release(ctx, "skip");
  }

  private void release(Context ctx, String action) {
    String name = ctx.pathParam("name");
    StreamKey stream = stream(ctx);
    monitor.report(name); // 404 for an unknown name
    boolean released = "retry".equals(action)
        ? reactor.coordinator().retry(name, stream)
        : reactor.coordinator().skip(name, stream);
    if (!released) {
      throw new ApiProblem(404, "stream-not-parked", "Stream not parked",
          "Stream " + stream + " is not parked for read model " + name)
          .with("readModel", name)
          .with("stream", stream.toString());
    }
    log.info("parked stream released readModel={} stream={} action={}", name, stream, action);
    ObjectNode body = Json.object();
    body.put("readModel", name);
    body.put("stream", stream.toString());
    body.put("action", action);
    Responses.json(ctx, 202, body);
  }

  private static StreamKey stream(Context ctx) {
    String text = ctx.pathParam("stream"); // already URL-decoded by Javalin
    try {
      return StreamKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalidParameter("stream", e.getMessage());
    }
  }
}
