package dev.quire.server.http;

import dev.quire.Reactor;
import dev.quire.model.DocumentModel;
import dev.quire.model.Json;
import dev.quire.server.ServerConfig;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.sync.SyncApi;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on Javalin: routes, the bearer check, the one exception mapper, request logging and
 * the in-flight count that a graceful stop drains.
 *
 * <p>Concurrency: requests run on Jetty's (virtual) threads; handlers that wait return futures, so no
 * thread is parked per waiting request, except event streams, which own their request thread. The
 * in-flight count is guarded by {@code lock}; {@link #stop} waits on {@code idle} for it to reach
 * zero.
 */
public final class HttpApi {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final String STARTED = "quire.started";
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final int RESULT_COPY_BUFFER_BYTES = 4096;

  private final Reactor reactor;
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final EventStream events;
  private final ReadModelMonitor monitor;
  private final BearerAuth auth;
  private final Javalin app;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  /** Requests started and not finished. Guarded by lock. */
  private int inFlight;
  private final byte[] openApi;
  private final List<String> routes = new ArrayList<>();

  /**
   * @param checkpoints durable checkpoints of read models that keep one, by name
   * @param rebuilders by read model name, starts a rebuild from the store (for storage that can)
   */
  public HttpApi(Reactor reactor, ServerConfig config, ServerMetrics metrics, Map<String, LongSupplier> checkpoints,
      Map<String, Supplier<CompletableFuture<Void>>> rebuilders) {
    this(reactor, config, metrics, checkpoints, rebuilders, null);
  }

  /**
   * @param sync the sync endpoints to mount under {@code /v1/sync}; null for none
   */
  public HttpApi(Reactor reactor, ServerConfig config, ServerMetrics metrics, Map<String, LongSupplier> checkpoints,
      Map<String, Supplier<CompletableFuture<Void>>> rebuilders, SyncApi sync) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.events = new EventStream(reactor.events(), reactor.operationStore(), HEARTBEAT);
    this.monitor = new ReadModelMonitor(reactor, checkpoints);
    this.auth = new BearerAuth(config.security().authToken());
    this.openApi = loadOpenApi();

    Map<String, DocumentModel> models = new LinkedHashMap<>();
    for (String type : reactor.models().types()) {
      models.put(type, reactor.models().get(type));
    }
    WriteRequests requests = new WriteRequests(models, config.http().maxActionsPerRequest());
    WriteHandlers writes = new WriteHandlers(reactor, config, requests, metrics::jobSubmitted);
    ReadHandlers reads = new ReadHandlers(reactor, config);
    JobHandlers jobs = new JobHandlers(reactor, config);
    AdminHandlers admin = new AdminHandlers(reactor, config, monitor, rebuilders);
    HealthHandlers health = new HealthHandlers(monitor, stopping::get);

    app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.useVirtualThreads = true;
      cfg.http.maxRequestSize = config.http().maxBodyBytes();
      // Javalin copies each result to the response through a buffer of this size, allocated per
      // response (32 KiB by default: zeroing it showed in profiles). Answers here are mostly small;
      // larger ones take a few more copies into Jetty's own (aggregating) output buffer.
      cfg.http.responseBufferSize = RESULT_COPY_BUFFER_BYTES;
      cfg.jsonMapper(new JavalinJackson(Json.mapper(), true));
      cfg.requestLogger.http(this::finished);
    });
    app.before(this::started);
    app.exception(Exception.class, (error, ctx) -> ProblemMapper.handle(error, ctx));
    // Javalin answers unmatched routes itself (plain text); give them the problem shape too.
    app.error(404, ctx -> problemUnlessAlready(ctx, new ApiProblem(404, "not-found", "Not found",
        "No endpoint " + ctx.method().name() + " " + ctx.path())));
    app.error(405, ctx -> problemUnlessAlready(ctx, new ApiProblem(405, "method-not-allowed",
        "Method not allowed", "Method " + ctx.method().name() + " is not allowed on " + ctx.path())));

    route(HandlerType.POST, "/v1/documents", writes::create);
    route(HandlerType.GET, "/v1/documents", reads::find);
    route(HandlerType.GET, "/v1/documents/{id}", reads::get);
    route(HandlerType.DELETE, "/v1/documents/{id}", writes::delete);
    route(HandlerType.POST, "/v1/documents/{id}/actions", writes::mutate);
    route(HandlerType.GET, "/v1/documents/{id}/operations", reads::operations);
    route(HandlerType.GET, "/v1/documents/{id}/relationships", reads::relationships);
    route(HandlerType.PUT, "/v1/documents/{id}/relationships/{type}/{targetId}", writes::putRelationship);
    route(HandlerType.DELETE, "/v1/documents/{id}/relationships/{type}/{targetId}", writes::deleteRelationship);
    route(HandlerType.GET, "/v1/jobs/{id}", jobs::get);
    route(HandlerType.GET, "/v1/events", events::handle);
    route(HandlerType.GET, "/v1/read-models", admin::list);
    route(HandlerType.GET, "/v1/read-models/{name}", admin::get);
    route(HandlerType.POST, "/v1/read-models/{name}/rebuild", admin::rebuild);
    route(HandlerType.POST, "/v1/read-models/{name}/streams/{stream}/retry", admin::retry);
    route(HandlerType.POST, "/v1/read-models/{name}/streams/{stream}/skip", admin::skip);
    route(HandlerType.GET, "/health/live", health::live);
    route(HandlerType.GET, "/health/ready", health::ready);
    route(HandlerType.GET, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    route(HandlerType.GET, "/openapi.json", ctx -> ctx.contentType(Responses.JSON).result(openApi));
    if (sync != null) {
      SyncHandlers s = new SyncHandlers(sync, config.http().maxBodyBytes());
      String p = SyncApi.PREFIX;
      route(HandlerType.GET, p + "/info", s::info);
      route(HandlerType.GET, p + "/feed", s::feed);
      route(HandlerType.POST, p + "/push", s::push);
      route(HandlerType.GET, p + "/remotes", s::remotes);
      route(HandlerType.POST, p + "/remotes", s::addRemote);
      route(HandlerType.DELETE, p + "/remotes/{name}", s::removeRemote);
      route(HandlerType.GET, p + "/dead-letters", s::deadLetters);
      route(HandlerType.POST, p + "/dead-letters/{id}/retry", s::retry);
      route(HandlerType.POST, p + "/dead-letters/{id}/discard", s::discard);
      route(HandlerType.POST, p + "/tokens/export", s::exportToken);
      route(HandlerType.GET, p + "/tokens/await", s::awaitToken);
    }


    registerGauges();
  }

  /** Every route, as {@code METHOD path}, in registration order (the OpenAPI test checks them). */
  public List<String> routes() {
    return List.copyOf(routes);
  }

  private void route(HandlerType method, String path, Handler handler) {
    app.addHttpHandler(method, path, handler);
    routes.add(method.name() + " " + path);
  }

  /** Binds the configured address and port (0 picks a free one). */
  public HttpApi start() {
    app.start(config.http().bind(), config.http().port());
    return this;
  }

  public int port() {
    return app.port();
  }

  /**
   * Graceful stop: refuses new requests (503), ends event streams, waits up to {@code timeout} for
   * in-flight requests (writes waiting for their job included), then closes the listener.
   */
  public void stop(Duration timeout) {
    lock.lock();
    try {
      if (stopping.get()) {
        return;
      }
      // Under the lock: no request can be admitted after this (see started()).
      stopping.set(true);
    } finally {
      lock.unlock();
    }
    events.closeAll();
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (inFlight > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          log.warn("stopping with {} request(s) still in flight after {} ms", inFlight, timeout.toMillis());
          break;
        }
        idle.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    app.stop();
  }

  private void started(Context ctx) {
    boolean health = ctx.path().startsWith("/health/") || ctx.path().equals("/metrics");
    lock.lock();
    try {
      // Checked and counted under the lock stop() takes, so stop never misses an admitted request.
      if (stopping.get() && !health) {
        throw new ApiProblem(503, "shutting-down", "Server shutting down", "The server is shutting down");
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
    ctx.attribute(STARTED, System.nanoTime());
    auth.check(ctx);
  }

  private void finished(Context ctx, Float executionMillis) {
    Long started = ctx.attribute(STARTED);
    if (started != null) {
      lock.lock();
      try {
        inFlight--;
        if (inFlight == 0) {
          idle.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }
    String route = route(ctx);
    int status = ctx.statusCode();
    Duration duration = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
    metrics.request(ctx.method().name(), route == null || route.isEmpty() ? "unmatched" : route, status, duration);
    if (log.isDebugEnabled()) {
      log.debug("request method={} path={} route={} status={} durationMs={}", ctx.method().name(), ctx.path(),
          route, status, TimeUnit.NANOSECONDS.toMillis(duration.toNanos()));
    }
  }

  private static void problemUnlessAlready(Context ctx, ApiProblem problem) {
    String contentType = ctx.res().getContentType();
    if (contentType == null || !contentType.startsWith(ProblemMapper.CONTENT_TYPE)) {
      ProblemMapper.write(ctx, problem);
    }
  }

  private static String route(Context ctx) {
    try {
      return ctx.endpointHandlerPath();
    } catch (IllegalStateException noEndpointMatched) {
      return "unmatched";
    }
  }

  private void registerGauges() {
    for (var model : reactor.coordinator().readModels()) {
      String name = model.name();
      Map<String, String> tags = Map.of("read_model", name);
      metrics.gauge("quire.read.model.lag.operations", "Operations in the store not yet indexed by this read model",
          tags, monitor, m -> m.report(name).lagOperations());
      metrics.gauge("quire.read.model.lag.seconds", "Age of the oldest operation this read model has not indexed",
          tags, monitor, m -> m.report(name).lagMillis() / 1000.0);
      metrics.gauge("quire.read.model.parked.streams", "Streams parked for this read model", tags, monitor,
          m -> m.report(name).parkedStreams().size());
      metrics.gauge("quire.consistency.waiters", "Reads waiting for this read model to reach their token", tags,
          model, m -> m.tracker().waiterCount());
    }
    metrics.gauge("quire.read.model.chain.depth", "Streams with read-model work in flight", Map.of(), reactor,
        r -> r.coordinator().chainDepth());
    metrics.gauge("quire.http.event.streams", "Open event streams", Map.of(), events, EventStream::openStreams);
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
