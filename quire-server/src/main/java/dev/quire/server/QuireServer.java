package dev.quire.server;

import dev.quire.Reactor;
import dev.quire.ReactorBuilder;
import dev.quire.event.QuireEvents;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.server.http.HttpApi;
import dev.quire.server.metrics.ServerMetrics;
import dev.quire.sync.Remote;
import dev.quire.sync.RemoteOptions;
import dev.quire.sync.SyncApi;
import dev.quire.sync.SyncManager;
import dev.quire.sync.SyncStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Quire server: storage, a reactor, sync with other servers and the HTTP API.
 *
 * <pre>{@code
 * try (QuireServer server = QuireServer.start(ServerConfig.defaults().withHttp(Http.defaults().withPort(0)))) {
 *   System.out.println(server.url());
 * }
 * }</pre>
 *
 * <p>{@link #stop()} is graceful and idempotent: it refuses new requests, ends event streams, lets
 * in-flight requests finish, then closes the reactor (queued jobs are written, read models drained,
 * the store closed) and the storage. Concurrency: stop holds {@code stopLock}, so concurrent callers
 * (a signal handler and a shutdown hook) return only once the stop is complete.
 */
public final class QuireServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QuireServer.class);

  private final ServerConfig config;
  private final StorageFactory.Storage storage;
  private final Reactor reactor;
  private final ServerMetrics metrics;
  private final HttpApi http;
  private final SyncStore syncStore;
  private final SyncManager sync;
  private final ReentrantLock stopLock = new ReentrantLock();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<DocumentModel> extraModels;

  private QuireServer(ServerConfig config, StorageFactory.Storage storage, List<DocumentModel> extraModels) {
    this.config = config;
    this.storage = storage;
    this.extraModels = extraModels;
    ReactorBuilder builder = Reactor.builder()
        .defaultReadTimeout(config.consistency().defaultWaitTimeout())
        .closeTimeout(config.http().shutdownTimeout())
        .jobRetention(config.jobs().retainedFinished(), config.jobs().retention());
    extraModels.forEach(builder::documentModel);
    storage.configure().accept(builder);
    this.reactor = builder.build();
    SyncStore openedSyncStore = null;
    SyncManager createdSync = null;
    HttpApi startedHttp = null;
    try {
      storage.beforeServing().accept(reactor);
      this.metrics = new ServerMetrics(reactor.events());
      reactor.events().subscribe(QuireEvents.JOB_FAILED, QuireServer::logJobFailure);
      openedSyncStore = storage.syncStore().get();
      createdSync = new SyncManager(reactor, openedSyncStore);
      configureRemotes(createdSync, config);
      startedHttp = new HttpApi(reactor, config, metrics, storage.checkpoints(), storage.rebuilders(),
          new SyncApi(createdSync)).start();
      // Links start once this server answers, so two servers naming each other both come up.
      createdSync.start();
    } catch (RuntimeException e) {
      if (createdSync != null) {
        createdSync.close();
      }
      if (startedHttp != null) {
        startedHttp.stop(Duration.ofSeconds(1));
      }
      reactor.close();
      if (openedSyncStore != null) {
        closeQuietly(openedSyncStore);
      }
      throw e;
    }
    this.http = startedHttp;
    this.syncStore = openedSyncStore;
    this.sync = createdSync;
  }

  /** Adds the {@code --remote}s; see {@link ServerConfig.Sync}. */
  private static void configureRemotes(SyncManager sync, ServerConfig config) {
    RemoteOptions options = RemoteOptions.DEFAULTS.withBearerToken(config.security().authToken().orElse(null));
    for (ServerConfig.RemoteSpec spec : config.sync().remotes()) {
      Remote stored = sync.list().stream().filter(r -> r.name().equals(spec.name())).findFirst().orElse(null);
      Remote wanted = new Remote(spec.name(), spec.url(), null, options);
      if (stored != null && stored.url().equals(wanted.url())) {
        log.info("sync remote {} -> {} (stored; resuming its cursors)", spec.name(), wanted.url());
        continue;
      }
      if (stored != null) {
        log.info("sync remote {} moved from {} to {}; starting over", spec.name(), stored.url(), wanted.url());
        sync.remove(spec.name());
      } else {
        log.info("sync remote {} -> {} (new)", spec.name(), wanted.url());
      }
      sync.add(wanted.name(), wanted.url(), wanted.filter(), wanted.options());
    }
  }

  /** Opens the configured storage and starts serving. */
  public static QuireServer start(ServerConfig config) {
    Objects.requireNonNull(config, "config");
    List<DocumentModel> extraModels = ModelJars.load(config.storage().modelPaths());
    // The same models the reactor will find: the given ones plus those on the server's class path.
    DocumentModelRegistry models = DocumentModelRegistry.builder()
        .register(extraModels)
        .discover(Reactor.class.getClassLoader())
        .build();
    StorageFactory.Storage storage =
        StorageFactory.open(config.storage(), models, config.consistency().defaultWaitTimeout());
    try {
      return new QuireServer(config, storage, extraModels);
    } catch (RuntimeException e) {
      closeQuietly(storage);
      throw e;
    }
  }

  /** Starts serving on already opened storage (tests keep a handle on it to look inside after stop). */
  public static QuireServer start(ServerConfig config, StorageFactory.Storage storage) {
    return new QuireServer(Objects.requireNonNull(config, "config"), Objects.requireNonNull(storage, "storage"),
        ModelJars.load(config.storage().modelPaths()));
  }

  public int port() {
    return http.port();
  }

  /** {@code http://host:port}, with the bound port. */
  public String url() {
    String host = config.http().bind();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** Every HTTP route, as {@code METHOD path}. */
  public List<String> routes() {
    return http.routes();
  }

  public Reactor reactor() {
    return reactor;
  }

  /** Replication with other servers ({@code /v1/sync}). */
  public SyncManager sync() {
    return sync;
  }

  public ServerConfig config() {
    return config;
  }

  /** A human description of the storage (database URL without secrets). */
  public String storageDescription() {
    return storage.description();
  }

  public List<String> documentTypes() {
    return List.copyOf(reactor.models().types());
  }

  /** Blocks until {@link #stop()} has completed. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Graceful stop; see the class comment. Idempotent; safe from several threads. */
  public void stop() {
    stopLock.lock();
    try {
      if (stopped.getCount() == 0) {
        return;
      }
      log.info("stopping: refusing new requests, finishing in-flight requests and jobs");
      Duration timeout = config.http().shutdownTimeout();
      // Links first: they would otherwise keep writing into a closing reactor.
      sync.close();
      http.stop(timeout);
      reactor.close();
      metrics.close();
      closeQuietly(syncStore);
      closeQuietly(storage);
      log.info("stopped");
    } finally {
      stopped.countDown();
      stopLock.unlock();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Refused input is the client's business (info); anything else is worth a warning. */
  private static void logJobFailure(QuireEvents.JobFailed failed) {
    Throwable error = failed.error();
    String type = error == null ? "unknown" : error.getClass().getSimpleName();
    String message = error == null ? "" : error.getMessage();
    if (error instanceof dev.quire.model.QuireException) {
      log.info("job failed jobId={} documentId={} error={} message=\"{}\"", failed.jobId(), failed.documentId(), type, message);
    } else {
      log.warn("job failed jobId={} documentId={} error={} message=\"{}\"", failed.jobId(), failed.documentId(), type, message,
          error);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("closing {} failed", closeable, e);
    }
  }
}
