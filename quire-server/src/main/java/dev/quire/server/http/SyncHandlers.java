package dev.quire.server.http;

import dev.quire.model.Json;
import dev.quire.sync.SyncApi;
import io.javalin.http.Context;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;

/**
 * The sync endpoints under {@code /v1/sync}: each handler reads the request into one
 * {@link SyncApi} call (the one implementation, shared with quire-sync's own transport) and maps
 * its failures to problems.
 */
final class SyncHandlers {

  /** One call into the sync API; may throw its documented failures. */
  private interface Call {
    Object run(Context ctx) throws Exception;
  }

  private final SyncApi api;
  private final long maxBodyBytes;

  SyncHandlers(SyncApi api, long maxBodyBytes) {
    this.api = api;
    this.maxBodyBytes = maxBodyBytes;
  }

  void info(Context ctx) throws Exception {
    answer(ctx, c -> api.info());
  }

  void feed(Context ctx) throws Exception {
    answer(ctx, c -> api.feed(c.queryParam("after"), c.queryParam("limit"), c.queryParam("peer"), c.queryParam("filter")));
  }

  void push(Context ctx) throws Exception {
    answer(ctx, c -> api.push(body(c)));
  }

  void remotes(Context ctx) throws Exception {
    answer(ctx, c -> api.remotes());
  }

  void addRemote(Context ctx) throws Exception {
    answer(ctx, c -> {
      c.status(201);
      return api.addRemote(body(c));
    });
  }

  void removeRemote(Context ctx) throws Exception {
    answer(ctx, c -> {
      api.removeRemote(c.pathParam("name"));
      return java.util.Map.of("removed", c.pathParam("name"));
    });
  }

  void deadLetters(Context ctx) throws Exception {
    answer(ctx, c -> api.deadLetters());
  }

  void retry(Context ctx) throws Exception {
    answer(ctx, c -> api.retry(c.pathParam("id")));
  }

  void discard(Context ctx) throws Exception {
    answer(ctx, c -> {
      api.discard(c.pathParam("id"));
      return java.util.Map.of("discarded", c.pathParam("id"));
    });
  }

  void exportToken(Context ctx) throws Exception {
    answer(ctx, c -> api.exportToken(body(c)));
  }

  void awaitToken(Context ctx) throws Exception {
    answer(ctx, c -> api.awaitToken(c.queryParam("token"), c.queryParam("timeoutMs")));
  }

  private byte[] body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > maxBodyBytes) {
      throw Bodies.tooLarge(bytes.length, maxBodyBytes);
    }
    return bytes;
  }

  private static void answer(Context ctx, Call call) throws Exception {
    Object value;
    try {
      value = call.run(ctx);
    } catch (NoSuchElementException e) {
      throw new ApiProblem(404, "not-found", "Not found", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("invalid-sync-request", "Invalid sync request", e.getMessage());
    } catch (TimeoutException e) {
      throw new ApiProblem(504, "sync-timeout", "Sync timed out",
          e.getMessage() == null ? "The sync request timed out" : e.getMessage());
    }
    ctx.contentType(Responses.JSON);
    ctx.result(Json.mapper().writeValueAsBytes(value));
  }
}
