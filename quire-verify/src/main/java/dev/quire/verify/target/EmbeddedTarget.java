package dev.quire.verify.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.consistency.WaitOutcome;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.jdbc.JdbcDocumentIndexer;
import dev.quire.jdbc.JdbcDocumentView;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.job.JobWaitTimeoutException;
import dev.quire.model.Action;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ParkedStream;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadModelCoordinator;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.verify.check.FinalState;
import dev.quire.verify.check.StoredOp;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.fault.FaultSwitch;
import dev.quire.verify.fault.FaultyOperationStore;
import dev.quire.verify.fault.FaultyReadModels;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.history.ReadResult;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quire embedded in this process: a {@link Reactor} on the in-memory store, SQLite or PostgreSQL,
 * with fault switches in front of its document view, relationship index, a side read model
 * ({@link ItemsReadModel}) and the operation store's appends. On PostgreSQL it can also drop every
 * database connection of the run (the pool's application name is unique to the run).
 */
public final class EmbeddedTarget implements Target {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTarget.class);
  private static final Duration GUARD = Duration.ofSeconds(5);
  /** Read models give up on a failing batch quickly, so a fault window parks streams. */
  static final RetryPolicy READ_MODEL_RETRY = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), 2.0);

  /** Where the store and the durable read models live. */
  public enum Storage {
    MEMORY,
    SQLITE,
    POSTGRESQL
  }

  /**
   * @param databaseUrl SQLite file URL or PostgreSQL URL; ignored for memory
   * @param waitTimeout how long writes wait for their job and reads for their token
   * @param sideMode how the side read model behaves (deliberately broken modes test the checker)
   */
  public record Config(Storage storage, String databaseUrl, Duration waitTimeout, ItemsReadModel.Mode sideMode) {
    public Config {
      Objects.requireNonNull(storage, "storage");
      Objects.requireNonNull(waitTimeout, "waitTimeout");
      sideMode = sideMode == null ? ItemsReadModel.Mode.CORRECT : sideMode;
      if (storage != Storage.MEMORY && (databaseUrl == null || databaseUrl.isBlank())) {
        throw new IllegalArgumentException(storage + " needs a database URL");
      }
    }
  }

  private final Config config;
  private final Duration wait;
  private final DocumentModelRegistry models = DocumentModelRegistry.discovered();
  private final FaultSwitch viewFaults = new FaultSwitch(DocumentView.NAME);
  private final FaultSwitch indexerFaults = new FaultSwitch(DocumentIndexer.NAME);
  private final FaultSwitch sideFaults = new FaultSwitch(ItemsReadModel.NAME);
  private final FaultSwitch storeFaults = new FaultSwitch("operation-store (before commit)");
  private final FaultSwitch ackFaults = new FaultSwitch("operation-store (after commit)");
  private final PostgresBackends postgres;
  private final QuireDatabase database;
  private final OperationStore store;
  private final ItemsReadModel side;
  private final Reactor reactor;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  public EmbeddedTarget(Config config) {
    this.config = config;
    this.wait = config.waitTimeout();
    this.postgres = config.storage() == Storage.POSTGRESQL ? new PostgresBackends(config.databaseUrl()) : null;
    DocumentView view;
    DocumentIndexer indexer;
    JdbcDocumentView jdbcView = null;
    JdbcDocumentIndexer jdbcIndexer = null;
    if (config.storage() == Storage.MEMORY) {
      database = null;
      store = new InMemoryOperationStore();
      view = new InMemoryDocumentView(models, new ConsistencyTracker(DocumentView.NAME), wait);
      indexer = new InMemoryDocumentIndexer(new ConsistencyTracker(DocumentIndexer.NAME), wait);
    } else {
      database = QuireDatabase.open(postgres != null ? postgres.taggedUrl() : config.databaseUrl());
      store = new JdbcOperationStore(database);
      jdbcView = new JdbcDocumentView(database, store, models, new ConsistencyTracker(DocumentView.NAME), wait);
      jdbcIndexer = new JdbcDocumentIndexer(database, store, new ConsistencyTracker(DocumentIndexer.NAME), wait);
      view = jdbcView;
      indexer = jdbcIndexer;
      closeables.add(jdbcView);
      closeables.add(jdbcIndexer);
    }
    side = new ItemsReadModel(config.sideMode(), wait);
    reactor = Reactor.builder()
        .operationStore(new FaultyOperationStore(store, storeFaults, ackFaults))
        .documentView(FaultyReadModels.view(view, viewFaults))
        .documentIndexer(FaultyReadModels.indexer(indexer, indexerFaults))
        .readModel(FaultyReadModels.readModel(side, sideFaults))
        .retryPolicy(READ_MODEL_RETRY)
        .defaultReadTimeout(wait)
        .build();
    if (jdbcView != null) {
      Snapshots.join(jdbcView.start());
      Snapshots.join(jdbcIndexer.start());
    }
  }

  public Reactor reactor() {
    return reactor;
  }

  public ItemsReadModel sideModel() {
    return side;
  }

  @Override
  public String description() {
    return switch (config.storage()) {
      case MEMORY -> "embedded Reactor, in-memory store and read models";
      case SQLITE -> "embedded Reactor, SQLite store and JDBC read models (" + database.description() + ")";
      case POSTGRESQL -> "embedded Reactor, PostgreSQL store and JDBC read models (" + database.description() + ")";
    } + (config.sideMode() == ItemsReadModel.Mode.CORRECT ? "" : ", side read model deliberately " + config.sideMode());
  }

  // ----------------------------------------------------------------------------------- writes

  @Override
  public Op create(History.Invocation call, String documentId) {
    ObjectNode state = Json.object();
    state.putArray("items");
    state.putObject("counters");
    return submitAndAwait(call, () -> reactor.create(
        CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, documentId).withInitialState(Scopes.GLOBAL, state)));
  }

  @Override
  public Op append(History.Invocation call, String documentId, String client, String element, long seq) {
    return submitAndAwait(call, () -> reactor.execute(documentId, null, appendActions(client, element, seq)));
  }

  /** The APPEND job's two actions; the element doubles as the first action's id. */
  public static List<Action> appendActions(String client, String element, long seq) {
    ObjectNode patch = Json.object();
    patch.putArray("operations").addObject().put("op", "add").put("path", "/items/-").put("value", element);
    ObjectNode set = Json.object().put("path", "/counters/" + client).put("value", seq);
    return List.of(
        new Action(element, JsonDocumentModel.PATCH, Scopes.GLOBAL, java.time.Instant.now(), patch, null),
        new Action(element + "#counter", JsonDocumentModel.SET, Scopes.GLOBAL, java.time.Instant.now(), set, null));
  }

  @Override
  public Op delete(History.Invocation call, String documentId) {
    return submitAndAwait(call, () -> reactor.delete(documentId, false));
  }

  @Override
  public Op edge(History.Invocation call, boolean add, String sourceId, String targetId) {
    return submitAndAwait(call, () -> add
        ? reactor.addRelationship(sourceId, targetId, Snapshots.LINK, null)
        : reactor.removeRelationship(sourceId, targetId, Snapshots.LINK));
  }

  private Op submitAndAwait(History.Invocation call, Supplier<JobInfo> submit) {
    call.waitMillis(wait.toMillis());
    JobInfo job;
    try {
      job = submit.get();
    } catch (RuntimeException e) {
      return call.write(Outcome.FAIL, "REFUSED", e.toString(), List.of());
    }
    call.jobId(job.id());
    try {
      return fromJob(call, reactor.awaitJob(job.id(), wait).get(wait.plus(GUARD).toMillis(), TimeUnit.MILLISECONDS),
          "");
    } catch (ExecutionException e) {
      Throwable cause = Snapshots.unwrap(e);
      if (cause instanceof JobWaitTimeoutException) {
        Optional<JobInfo> now = reactor.job(job.id());
        if (now.isPresent()) {
          return fromJob(call, now.get(), "WAIT_TIMED_OUT:");
        }
        return call.write(Outcome.INFO, "WAIT_TIMED_OUT:UNKNOWN_JOB", cause.toString(), List.of());
      }
      return call.write(Outcome.INFO, typedOrNot(cause), cause.toString(), List.of());
    } catch (TimeoutException e) {
      return call.write(Outcome.INFO, "UNTYPED:await-did-not-end", "awaitJob did not end within its deadline", List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return call.write(Outcome.INFO, "ABORTED", "interrupted", List.of());
    }
  }

  private static Op fromJob(History.Invocation call, JobInfo job, String prefix) {
    String status = prefix + job.status().name();
    String error = job.error() == null ? null : job.error().type() + ": " + job.error().message();
    return switch (job.status()) {
      case READ_READY, READ_FAILED, WRITE_READY ->
          call.write(Outcome.OK, status, error, job.tokenOrEmpty().coordinates());
      case FAILED -> call.write(Outcome.FAIL, status, error, List.of());
      case PENDING, RUNNING -> call.write(Outcome.INFO, status, error, List.of());
    };
  }

  // ------------------------------------------------------------------------------------ reads

  @Override
  public Op readDocument(History.Invocation call, String documentId, ConsistencyToken token) {
    ReadOptions options = new ReadOptions(token, wait, null);
    return read(call, token, () -> reactor.get(documentId, ViewFilter.MAIN, options), Snapshots::readResult);
  }

  @Override
  public Op readEdges(History.Invocation call, String documentId, ConsistencyToken token) {
    ReadOptions options = new ReadOptions(token, wait, null);
    return read(call, token, () -> reactor.relationships(documentId, Direction.OUTGOING, Set.of(Snapshots.LINK),
        PageRequest.first(PageRequest.MAX_LIMIT), options), page -> ReadResult.edges(Snapshots.targets(page.items())));
  }

  @Override
  public boolean hasSideModel() {
    return true;
  }

  @Override
  public Op readItems(History.Invocation call, String documentId, ConsistencyToken token) {
    ReadOptions options = new ReadOptions(token, wait, null);
    return read(call, token, () -> side.items(documentId, options),
        items -> ReadResult.document(items.stream().map(Elements::canonical).toList(), Map.of()));
  }

  private <T> Op read(History.Invocation call, ConsistencyToken token, Supplier<CompletableFuture<T>> query,
      Function<T, ReadResult> result) {
    call.waitMillis(wait.toMillis());
    try {
      T value = query.get().get(wait.plus(GUARD).toMillis(), TimeUnit.MILLISECONDS);
      return call.read(WaitOutcome.SATISFIED.name(), token.coordinates(), result.apply(value));
    } catch (ExecutionException e) {
      return failedRead(call, token, Snapshots.unwrap(e));
    } catch (RuntimeException e) {
      return failedRead(call, token, e);
    } catch (TimeoutException e) {
      return call.failedRead(Outcome.FAIL, "UNTYPED:read-did-not-end", "no answer within the deadline", token.coordinates());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return call.failedRead(Outcome.FAIL, WaitOutcome.ABORTED.name(), "interrupted", token.coordinates());
    }
  }

  private static Op failedRead(History.Invocation call, ConsistencyToken token, Throwable cause) {
    if (cause instanceof DocumentNotFoundException) {
      return call.read("NOT_FOUND", token.coordinates(), ReadResult.notFound());
    }
    try {
      return call.failedRead(Outcome.FAIL, WaitOutcome.of(cause).name(), cause.getMessage(), token.coordinates());
    } catch (IllegalArgumentException notAWaitFailure) {
      return call.failedRead(Outcome.FAIL, typedOrNot(cause), cause.toString(), token.coordinates());
    }
  }

  /**
   * A failure that is not a wait outcome is still typed when it is one of Quire's own exceptions
   * (e.g. a storage failure while the database connection was dropped): {@code ERROR:<type>}.
   * Anything else (a NullPointerException, an exception of a library) is untyped.
   */
  static String typedOrNot(Throwable cause) {
    String type = cause.getClass().getSimpleName();
    return cause.getClass().getName().startsWith("dev.quire.") ? "ERROR:" + type : "UNTYPED:" + type;
  }

  // ----------------------------------------------------------------------------------- faults

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = EnumSet.of(FaultKind.VIEW_FAILS, FaultKind.VIEW_STALLS, FaultKind.INDEXER_FAILS,
        FaultKind.INDEXER_STALLS, FaultKind.SIDE_FAILS, FaultKind.SIDE_STALLS, FaultKind.STORE_FAILS,
        FaultKind.STORE_ACK_LOST);
    if (config.storage() == Storage.POSTGRESQL) {
      kinds.add(FaultKind.DB_CONNECTIONS_DROPPED);
    }
    return kinds;
  }

  @Override
  public String inject(FaultKind kind, Duration length, Random random) {
    switch (kind) {
      case VIEW_FAILS -> viewFaults.failFor(length);
      case VIEW_STALLS -> viewFaults.stallFor(length);
      case INDEXER_FAILS -> indexerFaults.failFor(length);
      case INDEXER_STALLS -> indexerFaults.stallFor(length);
      case SIDE_FAILS -> sideFaults.failFor(length);
      case SIDE_STALLS -> sideFaults.stallFor(length);
      case STORE_FAILS -> storeFaults.failFor(length);
      case STORE_ACK_LOST -> ackFaults.failFor(length);
      case DB_CONNECTIONS_DROPPED -> {
        return "terminated " + postgres.terminate() + " PostgreSQL backends of " + postgres.applicationName();
      }
      default -> throw new IllegalArgumentException(kind + " is not supported by " + description());
    }
    return kind + " for " + length.toMillis() + " ms";
  }

  @Override
  public void recover() {
    retryParked();
  }

  /** Retries every parked stream of every read model; returns how many were parked. */
  private int retryParked() {
    ReadModelCoordinator coordinator = reactor.coordinator();
    int parked = 0;
    for (ReadModel model : coordinator.readModels()) {
      for (ParkedStream stream : coordinator.status(model.name()).parkedStreams()) {
        parked++;
        coordinator.retry(model.name(), stream.stream());
      }
    }
    return parked;
  }

  private void healAll() {
    for (FaultSwitch faults : List.of(viewFaults, indexerFaults, sideFaults, storeFaults, ackFaults)) {
      faults.heal();
    }
  }

  // --------------------------------------------------------------------------------- settling

  @Override
  public FinalState settle(History history, Collection<String> documents, Map<String, ConsistencyToken> tokens,
      Duration timeout) {
    healAll();
    List<String> unconverged = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean quiet = false;
    while (System.nanoTime() - deadline < 0) {
      int parked = retryParked();
      try {
        reactor.drain().get(5, TimeUnit.SECONDS);
        if (parked == 0 && retryParked() == 0) {
          quiet = true;
          break;
        }
      } catch (TimeoutException e) {
        log.info("Still draining");
      } catch (Exception e) {
        throw new IllegalStateException("Draining failed", e);
      }
    }
    if (!quiet) {
      unconverged.add("the reactor did not drain, or streams stayed parked, within " + timeout.toSeconds() + " s");
    }
    for (Op op : history.ops()) {
      if (op.jobId() == null) {
        continue;
      }
      reactor.job(op.jobId()).ifPresent(job -> {
        if (job.status() != JobStatus.READ_READY && job.status() != JobStatus.FAILED) {
          unconverged.add("job " + job.id() + " of " + op.describe() + " is still " + job.status());
        }
      });
    }
    finalReads(this, history, documents, tokens, unconverged);

    Map<dev.quire.consistency.StreamKey, List<StoredOp>> streams = new java.util.HashMap<>();
    for (String doc : documents) {
      for (String scope : List.of(Scopes.DOCUMENT, Scopes.GLOBAL, Scopes.LOCAL)) {
        StreamKey key = StreamKey.of(doc, scope, Scopes.MAIN_BRANCH);
        List<StoredOp> ops = storedOps(store, key);
        if (!ops.isEmpty()) {
          streams.put(key, ops);
        }
      }
    }
    List<OperationWithContext> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<OperationWithContext> page = store.getSinceOrdinal(after, 500);
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).ordinal();
    }
    Snapshots.Rebuild rebuild = Snapshots.Rebuild.of(models, all);
    return new FinalState(
        streams,
        Snapshots.documents(reactor.documentView(), documents),
        Snapshots.documents(rebuild.view(), documents),
        Snapshots.edges(reactor.documentIndexer(), documents),
        Snapshots.edges(rebuild.indexer(), documents),
        side.snapshot(),
        unconverged);
  }

  /** Reads every document once more with every token its acknowledged writes returned; any failure is unconverged. */
  static void finalReads(Target target, History history, Collection<String> documents,
      Map<String, ConsistencyToken> tokens, List<String> unconverged) {
    for (String doc : documents) {
      ConsistencyToken token = tokens.getOrDefault(doc, ConsistencyToken.empty());
      List<Op> reads = new ArrayList<>();
      reads.add(target.readDocument(history.invoke("final", OpKind.READ_DOC, doc), doc, token));
      reads.add(target.readEdges(history.invoke("final", OpKind.READ_EDGES, doc), doc, token));
      if (target.hasSideModel()) {
        reads.add(target.readItems(history.invoke("final", OpKind.READ_ITEMS, doc), doc, token));
      }
      for (Op read : reads) {
        if (!read.status().equals(WaitOutcome.SATISFIED.name()) && !read.status().equals("NOT_FOUND")) {
          unconverged.add("final " + read.kind() + " of " + doc + " with the merged token ended " + read.status()
              + (read.detail() != null ? ": " + read.detail() : ""));
        }
      }
    }
  }

  static List<StoredOp> storedOps(OperationStore store, StreamKey key) {
    List<StoredOp> ops = new ArrayList<>();
    PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
    while (true) {
      Page<Operation> batch = store.getSince(key, -1, OperationFilter.NONE, page);
      for (Operation op : batch.items()) {
        ops.add(new StoredOp(key, op.index(), op.action().id(), op.action().type(), op.action().input(), op.error()));
      }
      if (batch.nextCursor().isEmpty()) {
        return ops;
      }
      page = new PageRequest(batch.nextCursor().get(), PageRequest.MAX_LIMIT);
    }
  }

  @Override
  public void close() {
    healAll();
    try {
      reactor.close();
    } catch (RuntimeException e) {
      log.warn("Closing the reactor failed", e);
    }
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("Closing {} failed", closeable, e);
      }
    }
    if (database != null) {
      database.close();
      if (postgres != null) {
        postgres.dropSchema();
      }
    }
  }
}
