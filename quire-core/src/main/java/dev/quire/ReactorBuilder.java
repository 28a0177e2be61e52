package dev.quire;

import dev.quire.concurrent.Scheduler;
import dev.quire.event.EventBus;
import dev.quire.index.DocumentIndexer;
import dev.quire.job.JobRunner;
import dev.quire.model.DocumentModel;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadModelStage;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.OperationStore;
import dev.quire.view.DocumentView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures a {@link Reactor}; obtained from {@link Reactor#builder()}. Every setting has a default,
 * so {@code Reactor.builder().build()} is a working in-memory reactor with the built-in models.
 * Scalar settings may be set once: setting one twice fails at the second call ("already set to
 * ..."), so a misconfiguration cannot go unnoticed. Not thread-safe.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #documentModel}</td><td>none besides the ServiceLoader ones ({@code quire/json}, {@code quire/drive})</td></tr>
 *   <tr><td>{@link #discoverModels}</td><td>true</td></tr>
 *   <tr><td>{@link #operationStore}</td><td>{@code InMemoryOperationStore}</td></tr>
 *   <tr><td>{@link #documentView} / {@link #documentIndexer}</td><td>in-memory, pre-ready</td></tr>
 *   <tr><td>{@link #readModel}</td><td>none; stage PRE_READY unless given</td></tr>
 *   <tr><td>{@link #retryPolicy} (read models)</td><td>{@link RetryPolicy#defaults()}</td></tr>
 *   <tr><td>{@link #jobRetryPolicy}</td><td>{@link JobRunner#DEFAULT_RETRY}: 5 attempts, 5 ms doubling to 500 ms</td></tr>
 *   <tr><td>{@link #jobParallelism}</td><td>64 jobs at once</td></tr>
 *   <tr><td>{@link #virtualThreads}</td><td>true on JDK 24+, else false (platform threads {@code quire-job-N});
 *       see {@link dev.quire.concurrent.TaskThreads}</td></tr>
 *   <tr><td>{@link #defaultReadTimeout}</td><td>10 s</td></tr>
 *   <tr><td>{@link #closeTimeout}</td><td>30 s</td></tr>
 *   <tr><td>{@link #jobRetention}</td><td>100,000 finished jobs, each for at most 10 minutes</td></tr>
 *   <tr><td>{@link #scheduler}</td><td>{@link Scheduler#system()}</td></tr>
 *   <tr><td>{@link #eventBus}</td><td>a new {@link EventBus}</td></tr>
 * </table>
 */
public final class ReactorBuilder {

  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  final List<DocumentModel> models = new ArrayList<>();
  final List<ReadModel> preReady = new ArrayList<>();
  final List<ReadModel> postReady = new ArrayList<>();
  Boolean discoverModels;
  OperationStore operationStore;
  DocumentView documentView;
  DocumentIndexer documentIndexer;
  RetryPolicy retryPolicy;
  RetryPolicy jobRetryPolicy;
  Integer jobParallelism;
  Boolean virtualThreads;
  Duration defaultReadTimeout;
  Duration closeTimeout;
  Integer retainedJobs;
  Duration jobRetention;
  Scheduler scheduler;
  EventBus eventBus;

  ReactorBuilder() {}

  /** Registers document models (in addition to the discovered ones). */
  public ReactorBuilder documentModel(DocumentModel... models) {
    for (DocumentModel model : models) {
      this.models.add(Objects.requireNonNull(model, "model"));
    }
    return this;
  }

  /** Whether to add the models {@link java.util.ServiceLoader} finds; default true. */
  public ReactorBuilder discoverModels(boolean discover) {
    discoverModels = requireUnset(discoverModels, discover, "discoverModels");
    return this;
  }

  /** The source of truth; default an {@code InMemoryOperationStore}. Closed by {@link Reactor#close()}. */
  public ReactorBuilder operationStore(OperationStore store) {
    operationStore = requireUnset(operationStore, Objects.requireNonNull(store, "store"), "operationStore");
    return this;
  }

  /** The view behind get/find; default an {@code InMemoryDocumentView}. Always pre-ready. */
  public ReactorBuilder documentView(DocumentView view) {
    documentView = requireUnset(documentView, Objects.requireNonNull(view, "view"), "documentView");
    return this;
  }

  /** The relationship index; default an {@code InMemoryDocumentIndexer}. Always pre-ready. */
  public ReactorBuilder documentIndexer(DocumentIndexer indexer) {
    documentIndexer = requireUnset(documentIndexer, Objects.requireNonNull(indexer, "indexer"), "documentIndexer");
    return this;
  }

  /** Adds a pre-ready read model: jobs reach READ_READY only after it indexed their operations. */
  public ReactorBuilder readModel(ReadModel readModel) {
    return readModel(readModel, ReadModelStage.PRE_READY);
  }

  public ReactorBuilder readModel(ReadModel readModel, ReadModelStage stage) {
    Objects.requireNonNull(readModel, "readModel");
    (Objects.requireNonNull(stage, "stage") == ReadModelStage.PRE_READY ? preReady : postReady).add(readModel);
    return this;
  }

  /** How read models retry a failed batch before parking its streams. */
  public ReactorBuilder retryPolicy(RetryPolicy policy) {
    retryPolicy = requireUnset(retryPolicy, Objects.requireNonNull(policy, "policy"), "retryPolicy");
    return this;
  }

  /** How jobs retry transient write failures (e.g. a revision conflict). */
  public ReactorBuilder jobRetryPolicy(RetryPolicy policy) {
    jobRetryPolicy = requireUnset(jobRetryPolicy, Objects.requireNonNull(policy, "policy"), "jobRetryPolicy");
    return this;
  }

  /**
   * How many jobs (of different documents) run at once; default 64. Durable stores group concurrent
   * appends into one commit, so this should stay well above the core count.
   */
  public ReactorBuilder jobParallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("jobParallelism must be >= 1, got " + parallelism);
    }
    jobParallelism = requireUnset(jobParallelism, parallelism, "jobParallelism");
    return this;
  }

  /**
   * Runs jobs on virtual threads ({@code true}) or platform threads; default {@link
   * dev.quire.concurrent.TaskThreads#virtualByDefault()}: virtual on JDK 24 and later.
   */
  public ReactorBuilder virtualThreads(boolean virtual) {
    virtualThreads = requireUnset(virtualThreads, virtual, "virtualThreads");
    return this;
  }

  /** How long a read waits for its token when {@code ReadOptions.timeout()} is null; default 10 s. */
  public ReactorBuilder defaultReadTimeout(Duration timeout) {
    requirePositive(timeout, "defaultReadTimeout");
    defaultReadTimeout = requireUnset(defaultReadTimeout, timeout, "defaultReadTimeout");
    return this;
  }

  /** How long {@link Reactor#close()} waits for queued jobs and read models; default 30 s. */
  public ReactorBuilder closeTimeout(Duration timeout) {
    requirePositive(timeout, "closeTimeout");
    closeTimeout = requireUnset(closeTimeout, timeout, "closeTimeout");
    return this;
  }

  /**
   * How many finished jobs {@link Reactor#job} can still report, and for how long; default 100,000
   * for at most 10 minutes, whichever ends first. Finished jobs are what clients poll after an
   * asynchronous submit; they are also most of what a busy process keeps alive, so a smaller count
   * shortens the collector's young pauses (measured at 5,800 jobs/s on SQLite: 14–24 ms pauses with
   * 100,000 kept, 8–11 ms with 5,000; see docs/benchmarks.md).
   */
  public ReactorBuilder jobRetention(int maxFinished, Duration retention) {
    if (maxFinished < 1) {
      throw new IllegalArgumentException("jobRetention must keep at least 1 finished job, got " + maxFinished);
    }
    requirePositive(retention, "jobRetention");
    retainedJobs = requireUnset(retainedJobs, maxFinished, "jobRetention");
    jobRetention = retention;
    return this;
  }

  /** Clock and timers (job retries, wait deadlines); default {@link Scheduler#system()}. */
  public ReactorBuilder scheduler(Scheduler scheduler) {
    this.scheduler = requireUnset(this.scheduler, Objects.requireNonNull(scheduler, "scheduler"), "scheduler");
    return this;
  }

  /** The bus events go through; default a new one. */
  public ReactorBuilder eventBus(EventBus bus) {
    eventBus = requireUnset(eventBus, Objects.requireNonNull(bus, "bus"), "eventBus");
    return this;
  }

  /**
   * Builds and starts the reactor (the read model coordinator is subscribed before it returns).
   *
   * @throws IllegalArgumentException when two models share a document type or two read models a name
   */
  public Reactor build() {
    return new Reactor(this);
  }

  private static <T> T requireUnset(T current, T value, String setting) {
    if (current != null) {
      throw new IllegalStateException(setting + " was already set to " + current);
    }
    return value;
  }

  private static void requirePositive(Duration timeout, String setting) {
    Objects.requireNonNull(timeout, setting);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, got " + timeout);
    }
  }
}
