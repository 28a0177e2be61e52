package dev.quire.examples.testruns;

import dev.quire.Reactor;
import dev.quire.ReactorBuilder;
import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.examples.SqliteDataSources;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.listener.ReadModels;
import dev.quire.model.Action;
import dev.quire.readmodel.ReadModelStage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * The test-runs example wired end to end: Quire's operation store in {@code quire.db}, the
 * application's own database (with {@code test_runs_view}) in {@code app.db}, both SQLite files in
 * one folder, and the {@link TestRunsViewListener} registered as the read model {@value #VIEW}.
 *
 * <pre>{@code
 * try (TestRunsApp app = TestRunsApp.open(Path.of("data"))) {
 *   JobInfo created = app.createTestRun("run-1", "Nightly");
 *   TestRunRow row = app.viewAfter("run-1", created.tokenOrEmpty()).orElseThrow();
 * }
 * }</pre>
 *
 * <p>The write methods wait until the job is READ_READY and return it; its token then lets a read of
 * the view wait for the listener ({@link #viewAfter}). Thread-safe.
 */
public final class TestRunsApp implements AutoCloseable {

  /** The listener read model's name. */
  public static final String VIEW = "test-runs-view";

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final JdbcOperationStore store;
  private final DataSource appDatabase;
  private final JdbcListenerReadModel listener;
  private final Reactor reactor;
  private final ReadModels readModels;
  private final TestRunsView view;

  private TestRunsApp(Builder builder) {
    store = JdbcOperationStore.open("sqlite:" + builder.folder.resolve("quire.db"),
        DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL));
    appDatabase = SqliteDataSources.file(builder.folder.resolve("app.db"));
    JdbcListenerReadModel.Builder listenerBuilder = JdbcListenerReadModel.builder(VIEW, appDatabase)
        .operationStore(store)
        .mappers(new TestRunEvents())
        .listener(builder.listener != null ? builder.listener : new TestRunsViewListener());
    if (builder.scheduler != null) {
      listenerBuilder.scheduler(builder.scheduler);
    }
    listener = listenerBuilder.build();
    ReactorBuilder reactorBuilder = Reactor.builder()
        .operationStore(store)
        .documentModel(new TestRunModel())
        .readModel(listener, builder.stage);
    if (builder.scheduler != null) {
      reactorBuilder.scheduler(builder.scheduler);
    }
    builder.customizer.customize(reactorBuilder, store, appDatabase);
    reactor = reactorBuilder.build();
    readModels = ReadModels.of(reactor);
    view = new TestRunsView(appDatabase);
    if (builder.start) {
      join(listener.start());
    }
  }

  /** The app on {@code folder}, its listener pre-ready and caught up. */
  public static TestRunsApp open(Path folder) {
    return builder(folder).open();
  }

  public static Builder builder(Path folder) {
    return new Builder(folder);
  }

  // ------------------------------------------------------------------------------ writes

  public JobInfo createTestRun(String id, String title) {
    return done(reactor.create(TestRunModel.create(id, title)));
  }

  /** A null argument leaves that field as it is. */
  public JobInfo updateTestRun(String id, String title, TestRunStatus status) {
    return execute(id, TestRunModel.updateTestRun(title, status));
  }

  public JobInfo addResult(String id, String resultId, String name, Outcome outcome) {
    return execute(id, TestRunModel.addResult(resultId, name, outcome));
  }

  /** A null argument leaves that field as it is. */
  public JobInfo updateResult(String id, String resultId, String name, Outcome outcome) {
    return execute(id, TestRunModel.updateResult(resultId, name, outcome));
  }

  public JobInfo deleteResult(String id, String resultId) {
    return execute(id, TestRunModel.deleteResult(resultId));
  }

  public JobInfo deleteTestRun(String id) {
    return done(reactor.delete(id, false));
  }

  public JobInfo execute(String id, Action... actions) {
    return done(reactor.execute(id, null, List.of(actions)));
  }

  // ------------------------------------------------------------------------------- reads

  /** The view's row for {@code id} once the listener has committed {@code token}: reads its own write. */
  public Optional<TestRunRow> viewAfter(String id, ConsistencyToken token) {
    join(readModels.await(VIEW, token, WAIT));
    return view.find(id);
  }

  public TestRunsView view() {
    return view;
  }

  public Reactor reactor() {
    return reactor;
  }

  public JdbcListenerReadModel listener() {
    return listener;
  }

  public ReadModels readModels() {
    return readModels;
  }

  /** The application's database, where {@code test_runs_view} lives. */
  public DataSource appDatabase() {
    return appDatabase;
  }

  public JdbcOperationStore store() {
    return store;
  }

  /** Closes the reactor (and its store), then the listener. */
  @Override
  public void close() {
    try {
      reactor.close();
    } finally {
      listener.close();
    }
  }

  private JobInfo done(JobInfo pending) {
    JobInfo info = join(reactor.awaitJob(pending.id(), WAIT));
    if (info.status() != JobStatus.READ_READY) {
      throw new IllegalStateException("Job " + info.id() + " on " + info.documentId() + " ended " + info.status()
          + (info.error() != null ? ": " + info.error() : ""));
    }
    return info;
  }

  static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("No answer within " + WAIT, e);
    }
  }

  /** Adds settings to the reactor before it is built; gets the app's store and database for extra read models. */
  @FunctionalInterface
  public interface Customizer {
    void customize(ReactorBuilder reactor, JdbcOperationStore store, DataSource appDatabase);
  }

  /** Configures a {@link TestRunsApp}; not thread-safe. */
  public static final class Builder {
    private final Path folder;
    private ReadModelStage stage = ReadModelStage.PRE_READY;
    private Scheduler scheduler;
    private Object listener;
    private boolean start = true;
    private Customizer customizer = (reactor, store, appDatabase) -> {};

    private Builder(Path folder) {
      this.folder = Objects.requireNonNull(folder, "folder");
    }

    /** Whether jobs wait for the view before READ_READY (PRE_READY, the default) or not. */
    public Builder stage(ReadModelStage stage) {
      this.stage = Objects.requireNonNull(stage, "stage");
      return this;
    }

    /** The reactor's and the listener's clock; default the system's. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Another listener object in place of {@link TestRunsViewListener} (e.g. one that wraps it). */
    public Builder listener(Object listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Whether {@link #open()} starts the listener and waits for its catch-up; default true. */
    public Builder start(boolean start) {
      this.start = start;
      return this;
    }

    /** Extra reactor settings (more read models, a retry policy). */
    public Builder reactor(Customizer customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    public TestRunsApp open() {
      return new TestRunsApp(this);
    }
  }
}
