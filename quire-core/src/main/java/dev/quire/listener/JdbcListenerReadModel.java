package dev.quire.listener;

import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.consistency.TrackerEntry;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadModel;
import dev.quire.store.OperationStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReadModel} that turns operations into typed {@link DomainEvent}s and hands them to a
 * {@link Listener} inside a transaction on the application's own {@link DataSource}, so the
 * application keeps its own view tables in step with the operation store.
 *
 * <pre>{@code
 * JdbcListenerReadModel testRuns = JdbcListenerReadModel.builder("test-runs-view", appDataSource)
 *     .operationStore(store)
 *     .mappers(new TestRunEvents())
 *     .listener(new TestRunsViewListener())
 *     .build();
 * Reactor reactor = Reactor.builder().operationStore(store).readModel(testRuns).build();
 * testRuns.start();  // catches up from its checkpoint, then goes live
 * }</pre>
 *
 * <p><b>Exactly-once effects.</b> Each transaction runs the handlers, then writes the listener's
 * per-stream progress ({@code quire_listener_progress}: highest index applied per {@code
 * documentId:scope:branch}) and checkpoint, then commits; only then is the tracker updated. An
 * operation whose index is not above its stream's stored progress is passed over, so batches
 * re-delivered after a crash, a retry or a catch-up that overlaps live traffic change nothing. The
 * handlers' writes and the progress commit or vanish together.
 *
 * <p><b>Catch-up.</b> On {@link #start()} (or the first batch) the read model creates its tables,
 * seeds its tracker from the progress table and replays the store by ordinal ({@link
 * OperationStore#getSinceOrdinal}) from its checkpoint, one transaction per page. Batches the
 * coordinator hands over meanwhile wait behind the replay and then pass over what it already
 * applied. The checkpoint is a watermark (every ordinal up to it applied), not "the last ordinal
 * seen", because live batches of different streams commit out of ordinal order.
 *
 * <p><b>Order.</b> Events of one stream arrive in index order. Streams are independent: a
 * document's {@code document} scope (creation, deletion) and its model scopes are different
 * streams, which the coordinator may hand over in either order; handlers that combine them should
 * not depend on that order (see docs/read-models.md).
 *
 * <p><b>Failures.</b> A live batch that fails is rolled back and its future fails; the coordinator
 * retries it with backoff and then parks its streams for this listener only. During catch-up, a
 * failing page is retried stream by stream and a stream that still fails is <em>held</em> (see
 * {@link HeldStream}): the replay goes on without it and its waits fail fast. {@link #retry()},
 * {@link #skip(StreamKey)}, {@link #reset(long)} and {@link #rebuild()} are the admin tools;
 * {@link ReadModels} combines them with the coordinator's.
 *
 * <p>Concurrency: every database call runs on the read model's own worker thread ({@code
 * quire-listener-<name>}), one transaction at a time; {@link #indexOperations} only queues. Batches
 * queued while a transaction runs are committed together in the next one (at most {@code
 * maxBatchOperations} operations), which keeps bulk writes and replays fast; if such a group fails,
 * its batches are retried one by one so a failure stays with its own batch. All fields below the
 * worker marker are confined to the worker thread; status fields are volatile snapshots.
 */
public final class JdbcListenerReadModel implements ReadModel, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdbcListenerReadModel.class);
  private static final int MAX_NAME_LENGTH = 200;
  private static final int FLUSH_STREAMS = 1_000;
  private static final long FLUSH_ORDINALS = 10_000;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final DataSource dataSource;
  private final Listener<Connection> listener;
  private final DomainEventMappers mappers;
  private final OperationStore store;
  private final ViewTables viewTables;
  private final ConsistencyTracker tracker;
  private final int pageSize;
  private final int maxBatchOperations;
  private final LinkedBlockingDeque<Work> queue = new LinkedBlockingDeque<>();
  private final Thread worker;
  private final Object lifecycle = new Object();
  private boolean closed; // guarded by lifecycle
  private CompletableFuture<Void> live = new CompletableFuture<>(); // guarded by lifecycle

  private volatile ListenerPhase phase = ListenerPhase.NEW;
  private volatile Throwable lastError;
  private volatile long watermarkSnapshot;
  private volatile long replayUntilSnapshot;
  private volatile List<HeldStream> heldSnapshot = List.of();
  private final AtomicLong eventsDelivered = new AtomicLong();
  private final AtomicLong transactions = new AtomicLong();

  // ------------------------------------------------------------- worker-confined state below
  private boolean initialized;
  private boolean reloadNeeded;
  /** Highest index applied per stream, persisted or not. */
  private final Map<StreamKey, Long> progress = new HashMap<>();
  /** What the progress table holds, per stream. */
  private final Map<StreamKey, Long> stored = new HashMap<>();
  /** Progress of operations that meant nothing to the listener, written with the next transaction. */
  private final Map<StreamKey, Long> dirty = new HashMap<>();
  private AppliedOrdinals applied = new AppliedOrdinals(0);
  private long persistedWatermark;
  private long replayUntil;
  private final Map<StreamKey, HeldStream> held = new LinkedHashMap<>();
  /** Per stream, the operations of the last live batch that failed; cleared when one succeeds. */
  private final Map<StreamKey, List<OperationWithContext>> failed = new HashMap<>();

  private JdbcListenerReadModel(Builder builder) {
    this.name = builder.name;
    this.dataSource = builder.dataSource;
    this.listener = builder.listener;
    this.mappers = builder.mappers;
    this.store = builder.store;
    this.viewTables = builder.viewTables;
    this.pageSize = builder.pageSize;
    this.maxBatchOperations = builder.maxBatchOperations;
    this.tracker = new ConsistencyTracker(name, builder.scheduler != null ? builder.scheduler : Scheduler.system());
    this.worker = new Thread(this::runWorker, "quire-listener-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * @param name the read model's unique name (at most 200 characters); it keys the listener's rows
   *     in the bookkeeping tables, so renaming a listener rebuilds it
   * @param dataSource the application's database, where the listener's tables live
   */
  public static Builder builder(String name, DataSource dataSource) {
    return new Builder(name, dataSource);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }

  /**
   * Creates the tables, seeds the tracker from the progress table and catches up from the
   * checkpoint, on the worker thread. Call it after the reactor is built, so no write falls between
   * the end of the replay and the first live batch. Idempotent; a failed start is tried again by
   * the next call or the next batch.
   *
   * @return completes once the read model is live (replay done)
   */
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> started;
    synchronized (lifecycle) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      started = live;
    }
    if (!started.isDone()) {
      submit(new Command("start", this::ensureLive));
    }
    return started.copy();
  }

  /** Queues the batch; the future completes after its transaction committed and the tracker moved. */
  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    Objects.requireNonNull(operations, "operations");
    Batch batch = new Batch(List.copyOf(operations), new CompletableFuture<>());
    if (operations.isEmpty()) {
      batch.done.complete(null);
      return batch.done;
    }
    enqueue(batch);
    return batch.done;
  }

  /**
   * Replays the streams held during a catch-up (from the watermark): those that now succeed are
   * released. Parked live batches are retried by the coordinator, not here.
   *
   * @return completes when the replay is done; the status tells what is still held
   */
  public CompletableFuture<Void> retry() {
    return submit(new Command("retry", () -> {
      ensureLive();
      heal();
    }));
  }

  /**
   * Gives up on the operation a stream is stuck on, for good (a restart will not try it again): if
   * the stream is held, the failing operation is recorded as applied and the replay resumes; if the
   * coordinator parked a live batch of the stream, that batch's operations are recorded as applied
   * (call the coordinator's skip too, or use {@link ReadModels#skip}).
   *
   * @return completes with whether there was anything to skip
   */
  public CompletableFuture<Boolean> skip(StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    CompletableFuture<Boolean> skipped = new CompletableFuture<>();
    submit(new Command("skip " + stream, () -> skipped.complete(skipOnWorker(stream))))
        .whenComplete((ignored, error) -> {
          if (error != null) {
            skipped.completeExceptionally(error);
          }
        });
    return skipped;
  }

  /**
   * Re-delivers every event after {@code ordinal} (0 for the whole history) without emptying the
   * view tables: for repairing a view after fixing a handler. Handlers see those events a second
   * time, so they should be idempotent (upserts). Live batches wait until the replay is done. A
   * crash during the replay resumes it from the last watermark, so events near the crash may be
   * delivered once more.
   *
   * @throws IllegalArgumentException (in the future) when {@code ordinal} is negative or beyond the store
   */
  public CompletableFuture<Void> reset(long ordinal) {
    if (ordinal < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("ordinal must be >= 0, got " + ordinal));
    }
    return submit(new Command("reset to " + ordinal, () -> resetOnWorker(ordinal)));
  }

  /**
   * Empties the listener's tables ({@link ViewTables#reset}) and its progress, then replays the
   * whole history: the result is the table live indexing would have built. While it runs, reads
   * with a token wait until the rebuild has passed the token's positions.
   *
   * @throws IllegalStateException (in the future) when the listener has no {@link ViewTables}
   */
  public CompletableFuture<Void> rebuild() {
    if (viewTables == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "Listener " + name + " has no ViewTables: it cannot empty its tables for a rebuild"));
    }
    return submit(new Command("rebuild", this::rebuildOnWorker));
  }

  /** A snapshot of the listener's own progress. */
  public ListenerStatus status() {
    return new ListenerStatus(name, phase, watermarkSnapshot, replayUntilSnapshot, heldSnapshot, lastError,
        eventsDelivered.get(), transactions.get());
  }

  /**
   * Writes pending progress, stops the worker and fails batches still queued. Call it after the
   * reactor is closed. Idempotent.
   */
  @Override
  public void close() {
    CompletableFuture<Void> flushed;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      flushed = new CompletableFuture<>();
      queue.add(new Command("close", () -> {
        if (initialized) {
          flush();
        }
      }, flushed));
      queue.add(Stop.INSTANCE);
      closed = true;
    }
    try {
      worker.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      log.warn("Listener {} still busy {} after close; interrupting it", name, CLOSE_WAIT);
      worker.interrupt();
    }
    if (flushed.isCompletedExceptionally()) {
      log.warn("Listener {} could not write its progress on close; it will replay from its last checkpoint", name);
    }
    failQueued();
    phase = ListenerPhase.CLOSED;
  }

  @Override
  public String toString() {
    return "JdbcListenerReadModel[" + name + ", " + phase + ", watermark=" + watermarkSnapshot + "]";
  }

  // ----------------------------------------------------------------------------- the queue

  private sealed interface Work permits Batch, Command, Stop {}

  private record Batch(List<OperationWithContext> operations, CompletableFuture<Void> done) implements Work {}

  private record Command(String what, WorkerAction action, CompletableFuture<Void> done) implements Work {
    Command(String what, WorkerAction action) {
      this(what, action, new CompletableFuture<>());
    }
  }

  private enum Stop implements Work { INSTANCE }

  @FunctionalInterface
  private interface WorkerAction {
    void run() throws Exception;
  }

  private void enqueue(Batch batch) {
    synchronized (lifecycle) {
      if (!closed) {
        queue.add(batch);
        return;
      }
    }
    batch.done.completeExceptionally(closedException());
  }

  private CompletableFuture<Void> submit(Command command) {
    synchronized (lifecycle) {
      if (!closed) {
        queue.add(command);
        return command.done.copy();
      }
    }
    return CompletableFuture.failedFuture(closedException());
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("Listener " + name + " is closed");
  }

  private void failQueued() {
    Work work;
    while ((work = queue.poll()) != null) {
      switch (work) {
        case Batch batch -> batch.done.completeExceptionally(closedException());
        case Command command -> command.done.completeExceptionally(closedException());
        case Stop stop -> {}
      }
    }
  }

  private void runWorker() {
    try {
      while (true) {
        Work work = queue.take();
        switch (work) {
          case Stop stop -> {
            return;
          }
          case Command command -> runCommand(command);
          case Batch batch -> runBatches(group(batch));
        }
        publishStatus();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      log.error("Listener {} worker died", name, e);
      lastError = e;
      phase = ListenerPhase.FAILED;
    }
  }

  /** The batch plus those queued right behind it, up to {@code maxBatchOperations} operations. */
  private List<Batch> group(Batch first) {
    List<Batch> group = new ArrayList<>();
    group.add(first);
    int operations = first.operations.size();
    // Single consumer: what peek sees is what poll takes.
    while (queue.peek() instanceof Batch next && operations + next.operations.size() <= maxBatchOperations) {
      queue.poll();
      group.add(next);
      operations += next.operations.size();
    }
    return group;
  }

  private void runCommand(Command command) {
    try {
      command.action.run();
      command.done.complete(null);
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError error) {
        throw error;
      }
      lastError = e;
      log.warn("Listener {}: {} failed: {}", name, command.what, e.toString());
      command.done.completeExceptionally(e);
    }
  }

  private void runBatches(List<Batch> group) {
    try {
      ensureLive();
    } catch (Throwable e) {
      rethrowFatal(e);
      group.forEach(batch -> batch.done.completeExceptionally(e));
      return;
    }
    if (group.size() > 1) {
      List<OperationWithContext> all = new ArrayList<>();
      group.forEach(batch -> all.addAll(batch.operations));
      try {
        List<ConsistencyCoordinate> coordinates = applyLive(all);
        group.forEach(batch -> forgetFailures(batch.operations));
        tracker.update(coordinates);
        group.forEach(batch -> batch.done.complete(null));
        return;
      } catch (Throwable e) {
        rethrowFatal(e);
        log.debug("Listener {}: a group of {} batches failed; retrying them one by one: {}", name, group.size(), e.toString());
      }
    }
    for (Batch batch : group) {
      try {
        List<ConsistencyCoordinate> coordinates = applyLive(batch.operations);
        forgetFailures(batch.operations);
        tracker.update(coordinates);
        batch.done.complete(null);
      } catch (Throwable e) {
        rethrowFatal(e);
        lastError = e;
        rememberFailure(batch.operations);
        batch.done.completeExceptionally(e);
      }
    }
  }

  // ------------------------------------------------------------------------ starting and replays

  private void ensureLive() throws Exception {
    ListenerPhase current = phase;
    if (current == ListenerPhase.LIVE) {
      return;
    }
    try {
      if (!initialized) {
        initialize();
      }
      phase = ListenerPhase.CATCHING_UP;
      publishStatus();
      long started = System.nanoTime();
      long from = applied.watermark();
      scan(from);
      phase = ListenerPhase.LIVE;
      log.info("Listener {} caught up from ordinal {} to {} in {} ms{}", name, from, applied.watermark(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          held.isEmpty() ? "" : "; held streams: " + held.keySet());
      publishStatus();
      synchronized (lifecycle) {
        live.complete(null);
      }
    } catch (Exception | Error e) {
      phase = ListenerPhase.FAILED;
      lastError = e;
      publishStatus();
      CompletableFuture<Void> failedStart;
      synchronized (lifecycle) {
        failedStart = live;
        live = new CompletableFuture<>();
      }
      failedStart.completeExceptionally(e);
      throw e;
    }
  }

  private void initialize() throws Exception {
    Map<StreamKey, Long> rows = new HashMap<>();
    ListenerTables.Checkpoint[] checkpoint = new ListenerTables.Checkpoint[1];
    inTransaction(connection -> {
      ListenerTables.create(connection);
      if (viewTables != null) {
        viewTables.create(connection);
      }
      checkpoint[0] = ListenerTables.loadOrCreateCheckpoint(connection, name);
      rows.putAll(ListenerTables.loadProgress(connection, name));
    });
    progress.clear();
    stored.clear();
    dirty.clear();
    progress.putAll(rows);
    stored.putAll(rows);
    applied = new AppliedOrdinals(checkpoint[0].watermark());
    persistedWatermark = checkpoint[0].watermark();
    replayUntil = checkpoint[0].replayUntil();
    List<TrackerEntry> entries = new ArrayList<>(rows.size());
    rows.forEach((key, index) -> entries.add(new TrackerEntry(key, index)));
    tracker.hydrate(entries);
    initialized = true;
    reloadNeeded = false;
  }

  /** After a commit whose outcome is unknown: trust the table, not memory. */
  private void reloadProgress() throws Exception {
    Map<StreamKey, Long> rows = new HashMap<>();
    inTransaction(connection -> rows.putAll(ListenerTables.loadProgress(connection, name)));
    stored.clear();
    stored.putAll(rows);
    rows.forEach((key, index) -> progress.merge(key, index, Math::max));
    reloadNeeded = false;
  }

  /** Applies the store from {@code afterOrdinal} to its end, page by page; holds streams that keep failing. */
  private void scan(long afterOrdinal) throws Exception {
    long after = afterOrdinal;
    while (true) {
      List<OperationWithContext> page = store.getSinceOrdinal(after, pageSize);
      if (page.isEmpty()) {
        break;
      }
      List<OperationWithContext> todo = new ArrayList<>(page.size());
      for (OperationWithContext op : page) {
        if (!held.containsKey(op.key())) {
          todo.add(op);
        }
      }
      if (!todo.isEmpty()) {
        applyPage(todo);
      }
      after = page.get(page.size() - 1).ordinal();
      publishStatus();
    }
    flush();
  }

  private void applyPage(List<OperationWithContext> page) throws Exception {
    try {
      tracker.update(apply(page, true, List.of()));
      return;
    } catch (ListenerFailedException e) {
      log.debug("Listener {}: a replayed page failed; retrying it stream by stream: {}", name, e.getMessage());
    }
    Map<StreamKey, List<OperationWithContext>> byStream = new LinkedHashMap<>();
    for (OperationWithContext op : page) {
      byStream.computeIfAbsent(op.key(), key -> new ArrayList<>()).add(op);
    }
    for (Map.Entry<StreamKey, List<OperationWithContext>> stream : byStream.entrySet()) {
      applyStream(stream.getKey(), stream.getValue());
    }
  }

  /** One stream's part of a failed page: what precedes the failing event is applied, the rest held. */
  private void applyStream(StreamKey stream, List<OperationWithContext> operations) throws Exception {
    try {
      tracker.update(apply(operations, true, List.of()));
      return;
    } catch (ListenerFailedException e) {
      int failing = failingPosition(operations, e);
      if (failing > 0) {
        try {
          tracker.update(apply(operations.subList(0, failing), true, List.of()));
        } catch (ListenerFailedException prefixFailure) {
          hold(stream, operations.get(failingPosition(operations, prefixFailure)), prefixFailure);
          return;
        }
      }
      hold(stream, operations.get(failing), e);
    }
  }

  /** Where the operation the failure names sits in {@code operations}; 0 when it names none. */
  private static int failingPosition(List<OperationWithContext> operations, ListenerFailedException error) {
    if (error.event() != null) {
      for (int i = 0; i < operations.size(); i++) {
        if (operations.get(i).ordinal() == error.event().ordinal()) {
          return i;
        }
      }
    }
    return 0;
  }

  private void hold(StreamKey stream, OperationWithContext failing, ListenerFailedException error) {
    held.put(stream, new HeldStream(stream, failing.ordinal(), failing.operation().index(), error));
    lastError = error;
    log.error("Listener {} holds {} at ordinal {}: its events keep failing; retry or skip it", name, stream,
        failing.ordinal(), error);
    tracker.markFailed(stream, name, error);
  }

  /** Replays from the watermark, giving held streams another chance. */
  private void heal() throws Exception {
    if (held.isEmpty()) {
      return;
    }
    Set<StreamKey> before = new HashSet<>(held.keySet());
    held.clear();
    ListenerPhase previous = phase;
    phase = ListenerPhase.CATCHING_UP;
    try {
      scan(applied.watermark());
    } finally {
      phase = previous;
    }
    for (StreamKey stream : before) {
      if (!held.containsKey(stream)) {
        tracker.clearFailure(stream);
        log.info("Listener {} released {}", name, stream);
      }
    }
  }

  private boolean skipOnWorker(StreamKey stream) throws Exception {
    ensureLive();
    HeldStream stuck = held.get(stream);
    if (stuck != null) {
      OperationWithContext failing = null;
      for (OperationWithContext op : store.getSinceOrdinal(stuck.ordinal() - 1, 1)) {
        failing = op;
      }
      if (failing == null || !failing.key().equals(stream)) {
        throw new IllegalStateException("Operation at ordinal " + stuck.ordinal() + " of " + stream + " is gone");
      }
      tracker.update(apply(List.of(), false, List.of(failing)));
      log.warn("Listener {} skipped {} at ordinal {}", name, stream, stuck.ordinal());
      heal();
      return true;
    }
    List<OperationWithContext> parked = failed.remove(stream);
    if (parked != null) {
      apply(List.of(), false, parked);
      log.warn("Listener {} skipped {} operation(s) of {} for good", name, parked.size(), stream);
      return true;
    }
    return false;
  }

  private void resetOnWorker(long ordinal) throws Exception {
    ensureLive();
    long last = store.lastOrdinal();
    if (ordinal > last) {
      throw new IllegalArgumentException("ordinal " + ordinal + " is beyond the store's last ordinal " + last);
    }
    long until = last;
    inTransaction(connection -> {
      ListenerTables.writeProgress(connection, name, dirty, stored);
      ListenerTables.writeCheckpoint(connection, name, ordinal, until);
    });
    stored.putAll(dirty);
    dirty.clear();
    applied = new AppliedOrdinals(ordinal);
    persistedWatermark = ordinal;
    replayUntil = until;
    releaseHeld();
    failed.clear();
    phase = ListenerPhase.REPLAYING;
    publishStatus();
    log.warn("Listener {} replays ordinals {}..{}", name, ordinal + 1, until);
    try {
      scan(ordinal);
    } catch (Exception | Error e) {
      phase = ListenerPhase.FAILED; // the next batch or start resumes the replay from the watermark
      throw e;
    }
    phase = ListenerPhase.LIVE;
  }

  private void rebuildOnWorker() throws Exception {
    if (!initialized) {
      initialize();
    }
    inTransaction(connection -> {
      viewTables.reset(connection);
      ListenerTables.clearProgress(connection, name);
      ListenerTables.writeCheckpoint(connection, name, 0, 0);
    });
    progress.clear();
    stored.clear();
    dirty.clear();
    applied = new AppliedOrdinals(0);
    persistedWatermark = 0;
    replayUntil = 0;
    releaseHeld();
    failed.clear();
    tracker.hydrate(List.of());
    phase = ListenerPhase.REBUILDING;
    publishStatus();
    long started = System.nanoTime();
    log.warn("Listener {} rebuilds from the whole history", name);
    try {
      scan(0);
    } catch (Exception | Error e) {
      phase = ListenerPhase.FAILED; // the next batch or start resumes the replay from the watermark
      throw e;
    }
    phase = ListenerPhase.LIVE;
    synchronized (lifecycle) {
      live.complete(null);
    }
    log.info("Listener {} rebuilt up to ordinal {} in {} ms", name, applied.watermark(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void releaseHeld() {
    for (StreamKey stream : held.keySet()) {
      tracker.clearFailure(stream);
    }
    held.clear();
  }

  // ------------------------------------------------------------------------------ applying

  private List<ConsistencyCoordinate> applyLive(List<OperationWithContext> operations) throws Exception {
    List<OperationWithContext> skippedByCoordinator = new ArrayList<>();
    Set<StreamKey> blocked = new HashSet<>();
    Map<StreamKey, Long> firstIndex = new HashMap<>();
    for (OperationWithContext op : operations) {
      firstIndex.merge(op.key(), op.operation().index(), Math::min);
    }
    for (Map.Entry<StreamKey, Long> stream : firstIndex.entrySet()) {
      List<OperationWithContext> lastFailed = failed.get(stream.getKey());
      // The coordinator hands a stream's batches over in order and retries a failed one until it
      // succeeds or is skipped: a later batch here means the failed one was skipped. Record that,
      // so a restart does not replay what an operator chose to drop.
      if (lastFailed != null && stream.getValue() > lastIndex(lastFailed)) {
        skippedByCoordinator.addAll(lastFailed);
      }
      if (held.containsKey(stream.getKey())) {
        blocked.add(stream.getKey());
      }
    }
    if (!blocked.isEmpty()) {
      heal();
      blocked.retainAll(held.keySet());
      if (!blocked.isEmpty()) {
        StreamKey stream = blocked.iterator().next();
        HeldStream stuck = held.get(stream);
        throw new ListenerFailedException(name, null, null,
            "on " + stream + ": the stream is held since ordinal " + stuck.ordinal() + " failed during a replay",
            stuck.error());
      }
    }
    if (!skippedByCoordinator.isEmpty()) {
      log.warn("Listener {} records {} skipped operation(s) as applied", name, skippedByCoordinator.size());
    }
    return apply(operations, false, skippedByCoordinator);
  }

  /**
   * Maps and delivers {@code operations} in one transaction with their progress, then records them
   * in memory. {@code alsoApplied} are recorded as applied without delivering anything (skips).
   *
   * @param scanning true for operations read from the store (a replay may force re-delivery)
   * @return the coordinates the tracker may now report
   */
  private List<ConsistencyCoordinate> apply(List<OperationWithContext> operations, boolean scanning,
      List<OperationWithContext> alsoApplied) throws Exception {
    if (reloadNeeded) {
      reloadProgress();
    }
    Map<StreamKey, Long> pending = new LinkedHashMap<>();
    List<Long> ordinals = new ArrayList<>(operations.size() + alsoApplied.size());
    List<ConsistencyCoordinate> coordinates = new ArrayList<>(operations.size() + alsoApplied.size());
    for (OperationWithContext op : alsoApplied) {
      pending.merge(op.key(), op.operation().index(), Math::max);
      ordinals.add(op.ordinal());
      coordinates.add(op.coordinate());
    }
    List<DomainEvent<?>> events = new ArrayList<>();
    boolean forcedAny = false;
    for (OperationWithContext op : operations) {
      StreamKey key = op.key();
      long index = op.operation().index();
      long current = pending.getOrDefault(key, progress.getOrDefault(key, -1L));
      boolean forced = scanning && op.ordinal() <= replayUntil && !applied.contains(op.ordinal());
      ordinals.add(op.ordinal());
      coordinates.add(op.coordinate());
      if (index <= current && !forced) {
        continue;
      }
      forcedAny |= forced;
      try {
        events.addAll(mappers.map(op));
      } catch (RuntimeException e) {
        throw new ListenerFailedException(name, EventMetadata.of(op, 0), "mapping of " + op.operation().action().type(),
            null, e);
      }
      pending.put(key, Math.max(current, index));
    }
    AppliedOrdinals next = copyWith(ordinals);
    if (events.isEmpty() && !forcedAny && alsoApplied.isEmpty()) {
      // Nothing to write with it: the progress rides along with a later transaction.
      pending.forEach((key, index) -> {
        progress.put(key, index);
        if (!Objects.equals(stored.get(key), index)) {
          dirty.put(key, index);
        }
      });
      applied = next;
      if (dirty.size() >= FLUSH_STREAMS || applied.watermark() - persistedWatermark >= FLUSH_ORDINALS) {
        flush();
      }
      return coordinates;
    }
    Map<StreamKey, Long> toWrite = new HashMap<>(dirty);
    toWrite.putAll(pending);
    long watermark = next.watermark();
    long until = watermark >= replayUntil ? 0 : replayUntil;
    inTransaction(connection -> {
      try {
        listener.deliver(events, TransactionConnection.wrap(connection));
      } catch (EventHandlerException e) {
        throw failure(e);
      }
      ListenerTables.writeProgress(connection, name, toWrite, stored);
      ListenerTables.writeCheckpoint(connection, name, watermark, until);
    });
    progress.putAll(pending);
    stored.putAll(toWrite);
    dirty.clear();
    applied = next;
    persistedWatermark = watermark;
    replayUntil = until;
    eventsDelivered.addAndGet(events.size());
    return coordinates;
  }

  /** Writes progress that rode along in memory, and the watermark. */
  private void flush() throws Exception {
    long watermark = applied.watermark();
    long until = watermark >= replayUntil ? 0 : replayUntil;
    if (dirty.isEmpty() && watermark == persistedWatermark && until == replayUntil) {
      return;
    }
    Map<StreamKey, Long> toWrite = new HashMap<>(dirty);
    inTransaction(connection -> {
      ListenerTables.writeProgress(connection, name, toWrite, stored);
      ListenerTables.writeCheckpoint(connection, name, watermark, until);
    });
    stored.putAll(toWrite);
    dirty.clear();
    persistedWatermark = watermark;
    replayUntil = until;
  }

  private AppliedOrdinals copyWith(List<Long> ordinals) {
    AppliedOrdinals copy = applied.copy();
    for (long ordinal : ordinals) {
      copy.add(ordinal);
    }
    return copy;
  }

  private ListenerFailedException failure(EventHandlerException e) {
    DomainEvent<?> event = e.event();
    if (event == null) {
      return new ListenerFailedException(name, null, null, "in " + e.handler(), e.getCause());
    }
    return new ListenerFailedException(name, event.metadata(), event.type(), "in " + e.handler(), e.getCause());
  }

  @FunctionalInterface
  private interface SqlWork {
    void run(Connection connection) throws Exception;
  }

  private void inTransaction(SqlWork work) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      try {
        work.run(connection);
      } catch (Throwable e) {
        rollbackQuietly(connection, e);
        restoreAutoCommit(connection, autoCommit);
        throw e;
      }
      try {
        connection.commit();
      } catch (SQLException e) {
        // The commit may have happened anyway: re-read the progress before the next attempt.
        reloadNeeded = true;
        rollbackQuietly(connection, e);
        restoreAutoCommit(connection, autoCommit);
        throw e;
      }
      restoreAutoCommit(connection, autoCommit);
      transactions.incrementAndGet();
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
    if (!autoCommit) {
      return;
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      log.debug("Could not restore auto-commit", e);
    }
  }

  private void rememberFailure(List<OperationWithContext> operations) {
    Map<StreamKey, List<OperationWithContext>> byStream = new HashMap<>();
    for (OperationWithContext op : operations) {
      byStream.computeIfAbsent(op.key(), key -> new ArrayList<>()).add(op);
    }
    failed.putAll(byStream);
  }

  private void forgetFailures(List<OperationWithContext> operations) {
    if (failed.isEmpty()) {
      return;
    }
    for (OperationWithContext op : operations) {
      failed.remove(op.key());
    }
  }

  private static long lastIndex(List<OperationWithContext> operations) {
    long last = -1;
    for (OperationWithContext op : operations) {
      last = Math.max(last, op.operation().index());
    }
    return last;
  }

  private void publishStatus() {
    watermarkSnapshot = applied.watermark();
    replayUntilSnapshot = replayUntil;
    heldSnapshot = List.copyOf(held.values());
  }

  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError error) {
      throw error;
    }
  }

  /** Configures a {@link JdbcListenerReadModel}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private final DataSource dataSource;
    private Listener<Connection> listener;
    private DomainEventMappers mappers;
    private OperationStore store;
    private ViewTables viewTables;
    private Scheduler scheduler;
    private int pageSize = 500;
    private int maxBatchOperations = 1_000;

    private Builder(String name, DataSource dataSource) {
      if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException("Listener name must have 1 to " + MAX_NAME_LENGTH + " characters, got "
            + (name == null ? "null" : "\"" + name + "\""));
      }
      this.name = name;
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The listener, built from lambdas or with {@link Listener#annotated}. */
    public Builder listener(Listener<Connection> listener) {
      requireUnset(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * An object with {@link On} methods (and optionally {@link BatchHandler}); if it implements
     * {@link ViewTables} and none were set, those are its tables.
     */
    public Builder listener(Object annotated) {
      Objects.requireNonNull(annotated, "annotated");
      if (annotated instanceof Listener<?>) {
        throw new IllegalArgumentException("Pass a Listener<Connection> to listener(Listener)");
      }
      listener(Listener.annotated(annotated, Connection.class));
      if (annotated instanceof ViewTables tables && viewTables == null) {
        viewTables = tables;
      }
      return this;
    }

    /** The mappers that turn operations into the events the listener handles. */
    public Builder mappers(DomainEventMapper... mappers) {
      return mappers(DomainEventMappers.of(mappers));
    }

    public Builder mappers(DomainEventMappers mappers) {
      requireUnset(this.mappers, "mappers");
      this.mappers = Objects.requireNonNull(mappers, "mappers");
      return this;
    }

    /** Where catch-up, replays and rebuilds read history: the reactor's operation store. */
    public Builder operationStore(OperationStore store) {
      requireUnset(this.store, "operationStore");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Creates the listener's tables at start and empties them for a rebuild. */
    public Builder viewTables(ViewTables tables) {
      requireUnset(this.viewTables, "viewTables");
      this.viewTables = Objects.requireNonNull(tables, "tables");
      return this;
    }

    /** The tracker's clock and timeouts; default {@link Scheduler#system()}. Use the reactor's. */
    public Builder scheduler(Scheduler scheduler) {
      requireUnset(this.scheduler, "scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Operations read from the store per catch-up transaction; default 500. */
    public Builder pageSize(int operations) {
      if (operations < 1) {
        throw new IllegalArgumentException("pageSize must be >= 1, got " + operations);
      }
      this.pageSize = operations;
      return this;
    }

    /** At most this many operations of queued live batches share one transaction; default 1000. */
    public Builder maxBatchOperations(int operations) {
      if (operations < 1) {
        throw new IllegalArgumentException("maxBatchOperations must be >= 1, got " + operations);
      }
      this.maxBatchOperations = operations;
      return this;
    }

    /**
     * Builds the read model and starts its worker thread (not the catch-up: see {@link #start()}).
     *
     * @throws IllegalStateException when the listener, mappers or operation store is missing
     */
    public JdbcListenerReadModel build() {
      if (listener == null) {
        throw new IllegalStateException("Listener " + name + " needs a listener");
      }
      if (mappers == null) {
        throw new IllegalStateException("Listener " + name + " needs domain event mappers");
      }
      if (store == null) {
        throw new IllegalStateException("Listener " + name + " needs the operation store (to catch up)");
      }
      return new JdbcListenerReadModel(this);
    }

    private static void requireUnset(Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
