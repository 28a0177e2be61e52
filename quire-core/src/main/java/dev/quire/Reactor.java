package dev.quire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.concurrent.Scheduler;
import dev.quire.concurrent.TaskThreads;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.Subscription;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.job.InvalidJobException;
import dev.quire.job.Job;
import dev.quire.job.JobAwaiter;
import dev.quire.job.JobExecutor;
import dev.quire.job.JobInfo;
import dev.quire.job.JobKind;
import dev.quire.job.JobRunner;
import dev.quire.job.JobTracker;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Document;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.Ids;
import dev.quire.model.Operation;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadModelCoordinator;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.DocumentQuery;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade: writes become jobs (serial per document, parallel across documents), reads go to the
 * read models, and any read can wait for a job's consistency token.
 *
 * <pre>{@code
 * try (Reactor reactor = Reactor.builder().build()) {
 *   JobInfo created = reactor.create(CreateDocument.of("quire/json", "doc-1"));
 *   JobInfo done = reactor.awaitJob(created.id(), Duration.ofSeconds(5)).join();
 *   Document doc = reactor.get("doc-1", ViewFilter.MAIN,
 *       ReadOptions.after(done.consistencyToken().orElseThrow())).join();
 * }
 * }</pre>
 *
 * <p>Every write returns the job's PENDING {@link JobInfo} at once; it has no token yet. The token
 * comes with the job once it is WRITE_READY (see {@link #job} and {@link #awaitJob}), and a read
 * with that token answers once the read models behind it have indexed the job's operations.
 * {@link ReactorClient} wraps the "write, wait, read with the token" sequence.
 *
 * <p>Reads whose {@link ReadOptions#timeout()} is null wait at most the reactor's default read
 * timeout. Thread-safe. {@link #close()} stops accepting writes, lets queued jobs and read models
 * finish, then closes the store.
 */
public final class Reactor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);
  private static final int RELATIONSHIP_PAGE = PageRequest.MAX_LIMIT;

  private final EventBus bus;
  private final Scheduler scheduler;
  private final OperationStore store;
  private final DocumentModelRegistry models;
  private final DocumentView view;
  private final DocumentIndexer indexer;
  private final ReadModelCoordinator coordinator;
  private final JobTracker tracker;
  private final JobAwaiter awaiter;
  private final JobExecutor executor;
  private final JobRunner runner;
  private final Subscription trackerSubscription;
  private final Duration defaultReadTimeout;
  private final Duration closeTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();

  Reactor(ReactorBuilder config) {
    scheduler = config.scheduler != null ? config.scheduler : Scheduler.system();
    bus = config.eventBus != null ? config.eventBus : new EventBus();
    defaultReadTimeout = config.defaultReadTimeout != null ? config.defaultReadTimeout
        : ReactorBuilder.DEFAULT_READ_TIMEOUT;
    closeTimeout = config.closeTimeout != null ? config.closeTimeout : ReactorBuilder.DEFAULT_CLOSE_TIMEOUT;
    DocumentModelRegistry.Builder registry = DocumentModelRegistry.builder().register(config.models);
    if (config.discoverModels == null || config.discoverModels) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      registry.discover(context != null ? context : Reactor.class.getClassLoader());
    }
    models = registry.build();
    store = config.operationStore != null ? config.operationStore : new InMemoryOperationStore();
    view = config.documentView != null ? config.documentView
        : new InMemoryDocumentView(models, new ConsistencyTracker(DocumentView.NAME, scheduler), defaultReadTimeout);
    indexer = config.documentIndexer != null ? config.documentIndexer
        : new InMemoryDocumentIndexer(new ConsistencyTracker(DocumentIndexer.NAME, scheduler), defaultReadTimeout);

    ReadModelCoordinator.Builder coordinatorBuilder = ReadModelCoordinator.builder(bus)
        .preReady(view, indexer)
        .preReady(config.preReady.toArray(ReadModel[]::new))
        .postReady(config.postReady.toArray(ReadModel[]::new))
        .scheduler(scheduler);
    if (config.retryPolicy != null) {
      coordinatorBuilder.retryPolicy(config.retryPolicy);
    }
    coordinator = coordinatorBuilder.build();

    tracker = config.retainedJobs != null
        ? new JobTracker(scheduler, config.retainedJobs, config.jobRetention)
        : new JobTracker(scheduler);
    awaiter = new JobAwaiter(tracker, scheduler);
    executor = new JobExecutor(store, models);
    runner = new JobRunner(
        executor,
        tracker,
        bus,
        scheduler,
        config.jobRetryPolicy != null ? config.jobRetryPolicy : JobRunner.DEFAULT_RETRY,
        config.jobParallelism != null ? config.jobParallelism : JobRunner.DEFAULT_PARALLELISM,
        config.virtualThreads != null ? config.virtualThreads : TaskThreads.virtualByDefault());
    // Job transitions first, then the coordinator: no OPERATIONS_READY can be missed.
    trackerSubscription = tracker.listenTo(bus);
    coordinator.start();
  }

  public static ReactorBuilder builder() {
    return new ReactorBuilder();
  }

  // ------------------------------------------------------------------------------------ writes

  /**
   * Creates a document: one CREATE_DOCUMENT action (index 0 of its {@code document} scope), whose
   * input carries the slug, name and initial-state overrides.
   *
   * @return the PENDING job; the document id is its {@code documentId}
   * @throws dev.quire.model.UnknownDocumentTypeException when no model has the type (nothing queued)
   */
  public JobInfo create(CreateDocument request) {
    Objects.requireNonNull(request, "request");
    models.get(request.documentType()); // fail fast, before anything is queued
    String id = request.id() != null ? request.id() : Ids.newId();
    CreateDocumentInput input = new CreateDocumentInput(
        request.documentType(), id, request.slug(), request.name(), request.initialState(), null);
    Action action = Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, input.toJson());
    return submit(newJob(JobKind.CREATE, id, request.branch(), List.of(action), List.of(), Map.of()));
  }

  /**
   * Applies {@code actions}, in order, to one document as one job: they are written atomically
   * (all or none). Actions may target several scopes.
   *
   * @param branch null for {@code main}
   * @throws InvalidJobException when {@code actions} is empty
   */
  public JobInfo execute(String documentId, String branch, List<Action> actions) {
    requireId(documentId, "documentId");
    Objects.requireNonNull(actions, "actions");
    if (actions.isEmpty()) {
      throw new InvalidJobException(documentId, "No actions provided for document " + documentId);
    }
    return submit(newJob(kindOf(actions), documentId, branch, actions, List.of(), Map.of()));
  }

  /**
   * Checks {@code actions} against the document's latest written state without queuing anything:
   * the document exists and is live on the branch and every action passes the same checks and
   * reducers a job would run. For refusing a write before it is queued (the HTTP API answers 4xx
   * instead of 202); a job queued afterwards can still fail if another job writes first.
   *
   * @param branch null for {@code main}
   * @throws dev.quire.model.DocumentNotFoundException when the document has no operation on the branch
   * @throws dev.quire.model.DocumentDeletedException when the document is deleted
   * @throws dev.quire.model.InvalidActionException when an action is refused
   */
  public void check(String documentId, String branch, List<Action> actions) {
    requireId(documentId, "documentId");
    Objects.requireNonNull(actions, "actions");
    executor.check(documentId, branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch, actions);
  }

  /**
   * Deletes a document on {@code main}. With {@code cascade}, also deletes its {@code child}
   * descendants that have no other live parent (descendants with a parent outside the deleted set
   * are kept, as the origin client does), removes the deleted documents' outgoing relationships and
   * the relationships live documents hold to the root. The descendants are found in the indexer as
   * it is now (no token). The returned job is the root's DELETE, which depends on every other job of
   * the cascade, so awaiting it awaits the whole cascade.
   */
  public JobInfo delete(String documentId, boolean cascade) {
    requireId(documentId, "documentId");
    Action delete = deleteAction(documentId);
    if (!cascade) {
      return submit(newJob(JobKind.DELETE, documentId, null, List.of(delete), List.of(), Map.of()));
    }
    List<Job> jobs = new CascadeDelete(this).plan(documentId);
    requireOpen();
    List<JobInfo> infos = runner.submitAll(jobs);
    return infos.get(infos.size() - 1);
  }

  /** Adds a typed edge source → target (written on the source, branch {@code main}). */
  public JobInfo addRelationship(String sourceId, String targetId, String type, JsonNode metadata) {
    return relationship(SystemActions.ADD_RELATIONSHIP, sourceId, targetId, type, metadata);
  }

  public JobInfo removeRelationship(String sourceId, String targetId, String type) {
    return relationship(SystemActions.REMOVE_RELATIONSHIP, sourceId, targetId, type, null);
  }

  /** Replaces an edge's metadata. */
  public JobInfo updateRelationship(String sourceId, String targetId, String type, JsonNode metadata) {
    return relationship(SystemActions.UPDATE_RELATIONSHIP, sourceId, targetId, type, metadata);
  }

  /**
   * Queues several jobs atomically (all or none), each after the jobs its {@code dependsOn} keys
   * name have finished (completed or failed).
   *
   * @return the PENDING jobs, in the order of {@code jobs}
   * @throws InvalidJobException for a duplicate key, a dependency on an unknown key, a dependency
   *     cycle, or a job without actions; nothing is queued then
   */
  public List<JobInfo> executeBatch(List<BatchJob> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<BatchJob> ordered = BatchPlan.topologicalOrder(jobs);
    String batchId = Ids.newId();
    Map<String, String> idsByKey = new HashMap<>();
    for (BatchJob job : jobs) {
      idsByKey.put(job.key(), Ids.newId());
    }
    List<Job> toSubmit = new ArrayList<>(ordered.size());
    for (BatchJob job : ordered) {
      List<String> dependencies = job.dependsOn().stream().map(idsByKey::get).toList();
      toSubmit.add(new Job(idsByKey.get(job.key()), kindOf(job.actions()), job.documentId(), job.branch(),
          job.actions(), dependencies, Map.of("batchId", batchId, "batchKey", job.key()), scheduler.now()));
    }
    requireOpen();
    List<JobInfo> submitted = runner.submitAll(toSubmit);
    Map<String, JobInfo> byId = new HashMap<>();
    submitted.forEach(info -> byId.put(info.id(), info));
    return jobs.stream().map(job -> byId.get(idsByKey.get(job.key()))).toList();
  }

  /**
   * Queues a {@link JobKind#LOAD} job: operations written on another replica, for one stream (all
   * {@code actions} in one scope), in the sender's effective order after {@code base} (the action
   * id of the sender's operation right before them; null when they start the stream). Applied
   * through the same queue, executor and read models as local writes; idempotent by action id;
   * diverged histories are merged by {@link dev.quire.job.MergeRule}.
   *
   * @param stateHashes optional, action id to the sender's state hash after it (checked when the
   *     operations extend the local history)
   * @param dependencies job ids that must finish first (keeps a stream's loads in order)
   * @param meta extra metadata passed through (e.g. the remote it came from)
   */
  public JobInfo load(String documentId, String branch, List<Action> actions, String base,
      Map<String, String> stateHashes, List<String> dependencies, Map<String, String> meta) {
    requireId(documentId, "documentId");
    Objects.requireNonNull(actions, "actions");
    if (actions.isEmpty()) {
      throw new InvalidJobException(documentId, "No actions provided for document " + documentId);
    }
    Map<String, String> all = new HashMap<>(meta == null ? Map.of() : meta);
    if (base != null && !base.isEmpty()) {
      all.put(dev.quire.job.JobExecutor.LOAD_BASE, base);
    }
    if (stateHashes != null) {
      stateHashes.forEach((id, hash) -> all.put(dev.quire.job.JobExecutor.LOAD_HASH_PREFIX + id, hash));
    }
    return submit(newJob(JobKind.LOAD, documentId, branch, actions, dependencies == null ? List.of() : dependencies,
        all));
  }

  /** The job's current info; empty when unknown or evicted (finished jobs are kept about 10 min). */
  public Optional<JobInfo> job(String jobId) {
    return tracker.get(jobId);
  }

  /**
   * Completes with the job's info once it is READ_READY, FAILED or READ_FAILED; fails with {@link
   * dev.quire.job.JobWaitTimeoutException} after {@code timeout}, or {@link
   * dev.quire.job.UnknownJobException} for an unknown id. The future completes on the thread that
   * moved the job (a worker or the read model coordinator): do not block in its dependent stages.
   */
  public CompletableFuture<JobInfo> awaitJob(String jobId, Duration timeout) {
    return awaiter.awaitAsync(jobId, timeout);
  }

  // ------------------------------------------------------------------------------------- reads

  /**
   * A document by id or slug, after the document view has indexed {@code read}'s token.
   *
   * @return a future failing with {@code DocumentNotFoundException}, {@code
   *     AmbiguousIdentifierException}, {@code ConsistencyTimeoutException} or {@code
   *     ReadModelFailedException}
   */
  public CompletableFuture<Document> get(String idOrSlug, ViewFilter filter, ReadOptions read) {
    requireId(idOrSlug, "idOrSlug");
    return view.getByIdOrSlug(idOrSlug, filter(filter), options(read));
  }

  /**
   * Documents matching {@code request}, one page. By {@code parentId}: the parent's outgoing {@code
   * child} edges are paged in the indexer (the page's cursor is the indexer's, applied once), the
   * targets read from the view, and the token is waited for on BOTH; a {@code type} filter then
   * applies within the page, so such a page may hold fewer than {@code limit} documents.
   */
  public CompletableFuture<Page<Document>> find(
      FindRequest request, ViewFilter filter, PageRequest page, ReadOptions read) {
    Objects.requireNonNull(request, "request");
    ViewFilter viewFilter = filter(filter);
    PageRequest pageRequest = page != null ? page : PageRequest.firstDefault();
    ReadOptions options = options(read);
    if (!request.ids().isEmpty() || !request.slugs().isEmpty()) {
      return view.find(new DocumentQuery(request.type(), request.ids(), request.slugs()), viewFilter, pageRequest,
          options);
    }
    if (request.parentId() != null) {
      return indexer.relationships(request.parentId(), Direction.OUTGOING, Set.of(SystemActions.CHILD_RELATIONSHIP),
              pageRequest, options)
          .thenCompose(edges -> view.getMany(edges.items().stream().map(Relationship::targetId).toList(),
                  viewFilter, options)
              .thenApply(documents -> new Page<>(
                  documents.stream()
                      .filter(doc -> request.type() == null || request.type().equals(doc.header().documentType()))
                      .toList(),
                  edges.nextCursor())));
    }
    return view.find(DocumentQuery.byType(request.type()), viewFilter, pageRequest, options);
  }

  /**
   * Operations of one stream with index above {@code afterIndex}, from the operation store (the
   * source of truth: no token needed). Runs on the calling thread; the future is already complete.
   */
  public CompletableFuture<Page<Operation>> operations(
      String documentId, String scope, String branch, long afterIndex, PageRequest page) {
    StreamKey stream = StreamKey.of(documentId, scope, branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch);
    try {
      return CompletableFuture.completedFuture(
          store.getSince(stream, afterIndex, OperationFilter.NONE, page != null ? page : PageRequest.firstDefault()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Edges from or to a document, cursor-paged, after the indexer has indexed {@code read}'s token. */
  public CompletableFuture<Page<Relationship>> relationships(
      String documentId, Direction direction, Set<String> types, PageRequest page, ReadOptions read) {
    requireId(documentId, "documentId");
    return indexer.relationships(documentId, direction, types, page != null ? page : PageRequest.firstDefault(),
        options(read));
  }

  // --------------------------------------------------------------------------------- accessors

  public EventBus events() {
    return bus;
  }

  public DocumentView documentView() {
    return view;
  }

  public DocumentIndexer documentIndexer() {
    return indexer;
  }

  public ReadModelCoordinator coordinator() {
    return coordinator;
  }

  public OperationStore operationStore() {
    return store;
  }

  public DocumentModelRegistry models() {
    return models;
  }

  /** The job registry (status of every live and recently finished job). */
  public JobTracker jobs() {
    return tracker;
  }

  /** The default wait of reads whose options carry no timeout. */
  public Duration defaultReadTimeout() {
    return defaultReadTimeout;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Completes when every queued job has finished its write and the coordinator has nothing in
   * flight (parked streams excepted).
   */
  public CompletableFuture<Void> drain() {
    return runner.drain().thenCompose(ignored -> coordinator.drain());
  }

  /**
   * Stops accepting writes, waits (up to the close timeout) for queued jobs and then for the read
   * models, stops the coordinator and closes the operation store. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    runner.close(closeTimeout);
    try {
      coordinator.drain().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Read models did not drain before close: {}", e.toString());
    }
    coordinator.close();
    trackerSubscription.unsubscribe();
    try {
      store.close();
    } catch (Exception e) {
      LOG.warn("Closing the operation store failed", e);
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  Job newJob(JobKind kind, String documentId, String branch, List<Action> actions, List<String> dependencies,
      Map<String, String> meta) {
    return new Job(Ids.newId(), kind, documentId, branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch,
        actions, dependencies, meta, scheduler.now());
  }

  static Action deleteAction(String documentId) {
    return Action.of(SystemActions.DELETE_DOCUMENT, Scopes.DOCUMENT, dev.quire.model.Json.object().put("documentId",
        documentId));
  }

  static Action relationshipAction(String type, String sourceId, String targetId, String relationshipType,
      JsonNode metadata) {
    return Action.of(type, Scopes.DOCUMENT, new RelationshipInput(sourceId, targetId, relationshipType, metadata).toJson());
  }

  ViewFilter filter(ViewFilter filter) {
    return filter != null ? filter : ViewFilter.MAIN;
  }

  ReadOptions options(ReadOptions read) {
    if (read == null) {
      return new ReadOptions(null, defaultReadTimeout, null);
    }
    return read.timeout() != null ? read : new ReadOptions(read.token(), defaultReadTimeout, read.cancellation());
  }

  /** Every page of a document's edges in one direction, as indexed now. */
  List<Relationship> allRelationships(String documentId, Direction direction, Set<String> types) {
    List<Relationship> all = new ArrayList<>();
    PageRequest page = PageRequest.first(RELATIONSHIP_PAGE);
    while (true) {
      Page<Relationship> batch = join(indexer.relationships(documentId, direction, types, page, options(null)));
      all.addAll(batch.items());
      if (batch.nextCursor().isEmpty()) {
        return all;
      }
      page = new PageRequest(batch.nextCursor().get(), RELATIONSHIP_PAGE);
    }
  }

  <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(defaultReadTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Read did not answer within " + defaultReadTimeout.toMillis() + " ms", e);
    }
  }

  private JobInfo relationship(String actionType, String sourceId, String targetId, String type, JsonNode metadata) {
    requireId(sourceId, "sourceId");
    requireId(targetId, "targetId");
    requireId(type, "type");
    Action action;
    try {
      action = relationshipAction(actionType, sourceId, targetId, type, metadata);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(sourceId, actionType + ": " + e.getMessage());
    }
    return submit(newJob(JobKind.RELATIONSHIP, sourceId, null, List.of(action), List.of(), Map.of()));
  }

  private JobInfo submit(Job job) {
    requireOpen();
    return runner.submit(job);
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The reactor is closed");
    }
  }

  private static JobKind kindOf(List<Action> actions) {
    boolean allRelationships = true;
    for (Action action : actions) {
      switch (action.type()) {
        case SystemActions.CREATE_DOCUMENT -> {
          return JobKind.CREATE;
        }
        case SystemActions.DELETE_DOCUMENT -> {
          return JobKind.DELETE;
        }
        case SystemActions.ADD_RELATIONSHIP, SystemActions.REMOVE_RELATIONSHIP, SystemActions.UPDATE_RELATIONSHIP -> {}
        default -> allRelationships = false;
      }
    }
    return allRelationships ? JobKind.RELATIONSHIP : JobKind.MUTATION;
  }

  private static void requireId(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
