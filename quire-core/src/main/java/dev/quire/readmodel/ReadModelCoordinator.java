package dev.quire.readmodel;

import dev.quire.concurrent.Scheduler;
import dev.quire.concurrent.TaskThreads;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.EventType;
import dev.quire.event.QuireEvents;
import dev.quire.event.QuireEvents.OperationWritten;
import dev.quire.event.QuireEvents.OperationsReady;
import dev.quire.event.QuireEvents.ReadModelFailed;
import dev.quire.event.QuireEvents.ReadModelIndexed;
import dev.quire.event.Subscription;
import dev.quire.model.OperationWithContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps read models in step with the operation store: every {@link QuireEvents#OPERATION_WRITTEN}
 * batch goes to every registered {@link ReadModel}, and {@link QuireEvents#OPERATIONS_READY} (same
 * job id and operations) follows once every {@link ReadModelStage#PRE_READY pre-ready} read model
 * has indexed the batch, so their trackers already cover it. {@link ReadModelStage#POST_READY
 * Post-ready} read models get the batch only after READY and never hold it back.
 *
 * <p>Concurrency: every read model keeps its own FIFO queue per stream ({@code
 * documentId:scope:branch}). A batch enters the queue of each stream its operations touch (the key
 * is taken per operation) and runs for that read model once it heads all of them, so batches of one
 * stream index in event order while other streams, and other read models, run in parallel. READY
 * emission has per-stream queues of its own, so READY events of one stream follow event order too.
 * All bookkeeping (queues, parked streams, the in-flight count behind {@link #drain()}) is guarded
 * by one {@link ReentrantLock}, held only for short map updates: read model code, tracker calls,
 * executor submits and bus emits all happen after it is released. Read model code runs on the
 * executor (one submit per read model per batch); completions, backoff timers and READY emission
 * run on whichever thread completes the read model's stage or fires the timer. The
 * OPERATION_WRITTEN handler only enqueues, so writers never wait for read models; the one exception
 * is a batch nothing has to index first (empty, or no pre-ready models), whose READY is emitted at
 * once on the writer's thread. Post-ready models start after READY's subscribers have finished
 * (async ones included).
 *
 * <p>Failures: a failed batch (stage completed exceptionally, or {@code indexOperations} threw) is
 * retried with the {@link RetryPolicy}'s backoff on the injected {@link Scheduler}; each failure
 * emits {@link QuireEvents#READ_MODEL_FAILED} (one per stream of the batch). When attempts run out
 * the batch's streams are <em>parked</em> for that read model: its later batches on those streams
 * wait, its tracker fails waiters on them fast ({@code markFailed}), and READY for the batch is
 * withheld (pre-ready models) until {@link #retry} or {@link #skip} releases it. Other streams and
 * other read models keep flowing. A batch spanning several streams parks on each; retry on any of
 * them re-runs what is left of it, skip drops only that stream's operations.
 */
public final class ReadModelCoordinator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReadModelCoordinator.class);
  private static final Duration CLOSE_DRAIN_WAIT = Duration.ofSeconds(5);
  private static final String READY_LANE = "OPERATIONS_READY";

  private final EventBus bus;
  private final RetryPolicy retryPolicy;
  private final Scheduler scheduler;
  private final Executor executor;
  private final ExecutorService ownedExecutor;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock: everything below except `running`, which the handler also reads unlocked.
  private final List<Lane> preReady = new ArrayList<>();
  private final List<Lane> postReady = new ArrayList<>();
  private final Map<String, Lane> lanesByName = new HashMap<>();
  private final Lane readyLane = new Lane(null, ReadModelStage.PRE_READY);
  /** Streams with in-flight tasks, and how many; its size is {@link #chainDepth()}. */
  private final Map<StreamKey, Integer> activeStreams = new HashMap<>();
  /** Tasks running, waiting for a backoff timer, or parking; parked and blocked ones excluded. */
  private int inFlight;
  /** Completed by whoever brings {@link #inFlight} to zero; null while idle. */
  private CompletableFuture<Void> idle;
  private Subscription subscription;
  private boolean closed;
  private volatile boolean running;

  private ReadModelCoordinator(Builder builder) {
    this.bus = builder.bus;
    this.retryPolicy = builder.retryPolicy != null ? builder.retryPolicy : RetryPolicy.defaults();
    this.scheduler = builder.scheduler != null ? builder.scheduler : Scheduler.system();
    // Read models first: a duplicate name must fail before we own any threads.
    builder.preReady.forEach(model -> addReadModel(model, ReadModelStage.PRE_READY));
    builder.postReady.forEach(model -> addReadModel(model, ReadModelStage.POST_READY));
    if (builder.executor != null) {
      this.executor = builder.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = TaskThreads.newExecutor("quire-readmodel");
      this.executor = ownedExecutor;
    }
  }

  public static Builder builder(EventBus bus) {
    return new Builder(bus);
  }

  /** Subscribes to {@code OPERATION_WRITTEN}. Idempotent. */
  public void start() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("ReadModelCoordinator is closed");
      }
      if (running) {
        return;
      }
      running = true;
      subscription = bus.subscribe(QuireEvents.OPERATION_WRITTEN, this::onOperationWritten);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unsubscribes; batches written while stopped are never indexed. Work already accepted carries
   * on (use {@link #drain()} to wait for it). Idempotent.
   */
  public void stop() {
    Subscription previous;
    lock.lock();
    try {
      running = false;
      previous = subscription;
      subscription = null;
    } finally {
      lock.unlock();
    }
    if (previous != null) {
      previous.unsubscribe();
    }
  }

  /**
   * A future completed once nothing is in flight: no read model running or waiting to retry and no
   * READY emission pending. Parked streams, and batches queued behind them, do not count. The future
   * completes on the thread that finishes the last piece of work; do not block on it from a read
   * model or a READY subscriber.
   */
  public CompletableFuture<Void> drain() {
    lock.lock();
    try {
      return inFlight == 0 ? CompletableFuture.completedFuture(null) : idle.copy();
    } finally {
      lock.unlock();
    }
  }

  /** Streams with in-flight work right now (parked streams excluded): a back-pressure gauge. */
  public int chainDepth() {
    lock.lock();
    try {
      return activeStreams.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers a read model while running; it receives batches written from now on (catching up on
   * older ones is the read model's own job).
   *
   * @throws IllegalArgumentException if a read model with the same name is registered in any stage
   */
  public void addReadModel(ReadModel model, ReadModelStage stage) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(stage, "stage");
    String name = Objects.requireNonNull(model.name(), "model.name()");
    Objects.requireNonNull(model.tracker(), "model.tracker()");
    lock.lock();
    try {
      if (lanesByName.containsKey(name)) {
        throw new IllegalArgumentException("Read model \"" + name + "\" is already registered");
      }
      Lane lane = new Lane(model, stage);
      lanesByName.put(name, lane);
      (stage == ReadModelStage.PRE_READY ? preReady : postReady).add(lane);
    } finally {
      lock.unlock();
    }
  }

  /** Every read model, pre-ready first, each stage in registration order. */
  public List<ReadModel> readModels() {
    lock.lock();
    try {
      List<ReadModel> all = new ArrayList<>(preReady.size() + postReady.size());
      preReady.forEach(lane -> all.add(lane.model));
      postReady.forEach(lane -> all.add(lane.model));
      return List.copyOf(all);
    } finally {
      lock.unlock();
    }
  }

  /** The read models of one stage, in registration order. */
  public List<ReadModel> readModels(ReadModelStage stage) {
    Objects.requireNonNull(stage, "stage");
    lock.lock();
    try {
      return (stage == ReadModelStage.PRE_READY ? preReady : postReady).stream()
          .map(lane -> lane.model)
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @throws IllegalArgumentException if no read model has that name
   */
  public ReadModelStatus status(String readModelName) {
    lock.lock();
    try {
      Lane lane = lane(readModelName);
      List<ParkedStream> parked = new ArrayList<>(lane.parked.size());
      lane.parked.forEach(
          (stream, task) ->
              parked.add(
                  new ParkedStream(
                      stream, task.batch.jobId, task.attempts, task.lastError, task.parkedSince)));
      return new ReadModelStatus(
          lane.name(),
          lane.stage,
          parked,
          lane.lastError,
          lane.batchesIndexed,
          lane.operationsIndexed,
          lane.lastIndexedOrdinal);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-runs the batch parked on {@code stream} for {@code readModel} now (once, without further
   * automatic retries). On success the tracker's failure mark is cleared, the stream's queue
   * resumes, and READY follows if this was the last pre-ready model missing. On failure the stream
   * parks again.
   *
   * @return false if that stream is not parked for that read model
   * @throws IllegalArgumentException if no read model has that name
   */
  public boolean retry(String readModel, StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    Task task;
    lock.lock();
    try {
      Lane lane = lane(readModel);
      task = lane.parked.get(stream);
      if (task == null) {
        return false;
      }
      task.streams.forEach(lane.parked::remove);
      task.state = State.RUNNING;
      task.manualRetry = true;
      begin(task);
    } finally {
      lock.unlock();
    }
    submit(task);
    return true;
  }

  /**
   * Drops the batch parked on {@code stream} for {@code readModel}, for that stream only, and
   * resumes the stream's queue. Skipping declares those positions indexed: the read model's tracker
   * is advanced to the skipped operations' indexes (and its failure mark cleared), so waiters on
   * them succeed although the read model never indexed them. If the batch spans other streams that
   * are still parked, it stays parked there with their operations. READY for the batch follows once
   * every pre-ready read model has indexed or skipped all of it.
   *
   * @return false if that stream is not parked for that read model
   * @throws IllegalArgumentException if no read model has that name
   */
  public boolean skip(String readModel, StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    Task task;
    List<ConsistencyCoordinate> skipped = new ArrayList<>();
    lock.lock();
    try {
      Lane lane = lane(readModel);
      task = lane.parked.remove(stream);
      if (task == null) {
        return false;
      }
      // Detach the stream now so a concurrent retry of the batch's other streams runs without it;
      // the stream's queue is released only after the tracker says so (below).
      List<OperationWithContext> kept = new ArrayList<>(task.operations.size());
      for (OperationWithContext op : task.operations) {
        if (op.key().equals(stream)) {
          skipped.add(op.coordinate());
        } else {
          kept.add(op);
        }
      }
      task.operations = List.copyOf(kept);
      List<StreamKey> rest = new ArrayList<>(task.streams);
      rest.remove(stream);
      task.streams = List.copyOf(rest);
      task.skipsInProgress++;
    } finally {
      lock.unlock();
    }
    ReadModel model = task.lane.model;
    try {
      model.tracker().update(skipped);
      model.tracker().clearFailure(stream);
    } catch (RuntimeException e) {
      log.error("Tracker of read model {} failed while skipping {}", model.name(), stream, e);
    }
    Effects effects = new Effects();
    lock.lock();
    try {
      task.skipsInProgress--;
      release(task, stream, effects);
      if (task.streams.isEmpty() && task.state == State.PARKED) {
        task.state = State.DONE;
      }
      // A retry of the batch's other streams may have finished meanwhile; it left READY to us.
      if (task.state == State.DONE && task.skipsInProgress == 0) {
        completedForBatch(task, effects);
      }
      settle(effects);
    } finally {
      lock.unlock();
    }
    log.warn("Read model {} skipped job {} on {}", model.name(), task.batch.jobId, stream);
    apply(effects);
    return true;
  }

  /** Stops, then waits up to 5 s for in-flight work; shuts the default executor down. */
  @Override
  public void close() {
    stop();
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    try {
      drain().get(CLOSE_DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Read models still busy {} after close; abandoning their work", CLOSE_DRAIN_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("Unexpected failure while draining read models", e);
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event intake

  private void onOperationWritten(OperationWritten event) {
    if (!running) {
      return;
    }
    List<OperationWithContext> operations = event.operations();
    Batch batch = new Batch(event.jobId(), operations, streamsOf(operations));
    Effects effects = new Effects();
    lock.lock();
    try {
      if (!running) {
        return;
      }
      boolean empty = operations.isEmpty();
      batch.preRemaining = empty ? 0 : preReady.size();
      if (!empty) {
        for (Lane lane : preReady) {
          Task task = new Task(lane, batch, true);
          enqueue(task);
          startIfRunnable(task, effects);
        }
        if (!postReady.isEmpty()) {
          batch.postTasks = new ArrayList<>(postReady.size());
          for (Lane lane : postReady) {
            Task task = new Task(lane, batch, false); // gated until READY is out
            enqueue(task);
            batch.postTasks.add(task);
          }
        }
      }
      Task ready = new Task(readyLane, batch, batch.preRemaining == 0);
      batch.readyTask = ready;
      enqueue(ready);
      startIfRunnable(ready, effects);
      settle(effects);
    } finally {
      lock.unlock();
    }
    apply(effects);
  }

  private static List<StreamKey> streamsOf(List<OperationWithContext> operations) {
    if (operations.isEmpty()) {
      return List.of();
    }
    if (operations.size() == 1) {
      return List.of(operations.get(0).key());
    }
    LinkedHashSet<StreamKey> keys = new LinkedHashSet<>();
    for (OperationWithContext op : operations) {
      keys.add(op.key());
    }
    return List.copyOf(keys);
  }

  // ---------------------------------------------------------------------------------------------
  // Running read models

  private void submit(Task task) {
    try {
      executor.execute(() -> attempt(task));
    } catch (RejectedExecutionException e) {
      onAttemptDone(task, scheduler.nanoTime(), e);
    }
  }

  private void attempt(Task task) {
    // Stable while RUNNING; the executor handoff publishes it.
    List<OperationWithContext> operations = task.operations;
    long start = scheduler.nanoTime();
    CompletionStage<Void> stage;
    try {
      stage = task.lane.model.indexOperations(operations);
      if (stage == null) {
        throw new NullPointerException(task.lane.name() + ".indexOperations returned null");
      }
    } catch (Throwable e) {
      onAttemptDone(task, start, e);
      return;
    }
    stage.whenComplete((ignored, error) -> onAttemptDone(task, start, unwrap(error)));
  }

  private void onAttemptDone(Task task, long startNanos, Throwable error) {
    long duration = Math.max(0L, scheduler.nanoTime() - startNanos);
    Lane lane = task.lane;
    String jobId = task.batch.jobId;
    int operationCount = task.operations.size();
    emitQuietly(
        QuireEvents.READ_MODEL_INDEXED,
        new ReadModelIndexed(lane.name(), jobId, duration, operationCount, error == null));
    if (error == null) {
      succeeded(task);
    } else {
      failed(task, error);
    }
  }

  private void succeeded(Task task) {
    Lane lane = task.lane;
    if (task.wasParked) {
      // Before the queue moves on, so a later park of this stream cannot be cleared by us.
      for (StreamKey stream : task.streams) {
        try {
          lane.model.tracker().clearFailure(stream);
        } catch (RuntimeException e) {
          log.error("Tracker of read model {} failed to clear {}", lane.name(), stream, e);
        }
      }
      log.info("Read model {} recovered job {} on {}", lane.name(), task.batch.jobId, task.streams);
    }
    Effects effects = new Effects();
    lock.lock();
    try {
      lane.batchesIndexed++;
      lane.operationsIndexed += task.operations.size();
      for (OperationWithContext op : task.operations) {
        lane.lastIndexedOrdinal = Math.max(lane.lastIndexedOrdinal, op.ordinal());
      }
      task.state = State.DONE;
      for (StreamKey stream : task.streams) {
        release(task, stream, effects);
      }
      if (task.skipsInProgress == 0) {
        completedForBatch(task, effects); // otherwise the skip finishing the batch does it
      }
      end(task);
      settle(effects);
    } finally {
      lock.unlock();
    }
    apply(effects);
  }

  private void failed(Task task, Throwable error) {
    Lane lane = task.lane;
    int attempt;
    boolean park;
    List<StreamKey> streams;
    lock.lock();
    try {
      attempt = ++task.attempts;
      task.lastError = error;
      lane.lastError = error;
      park = task.manualRetry || attempt >= retryPolicy.maxAttempts();
      task.state = park ? State.PARKING : State.BACKOFF;
      streams = task.streams;
    } finally {
      lock.unlock();
    }
    if (!park) {
      Duration delay = retryPolicy.backoff(attempt);
      // No stack trace while retrying: transient failures would flood the log; parking prints it.
      log.warn(
          "Read model {} failed job {} (attempt {} of {}); retrying in {}: {}",
          lane.name(), task.batch.jobId, attempt, retryPolicy.maxAttempts(), delay, String.valueOf(error));
      emitFailed(task, streams, error, attempt, false);
      try {
        scheduler.schedule(delay, () -> resume(task));
      } catch (RuntimeException e) {
        log.warn("Scheduler refused a retry of read model {}; retrying now", lane.name(), e);
        resume(task);
      }
      return;
    }
    log.error(
        "Read model {} failed job {} {} time(s); parking {} until retry or skip",
        lane.name(), task.batch.jobId, attempt, streams, error);
    // Mark the tracker before anyone can see the park (status, retry, skip), so a skip's
    // clearFailure can never run before this markFailed.
    for (StreamKey stream : streams) {
      try {
        lane.model.tracker().markFailed(stream, lane.name(), error);
      } catch (RuntimeException e) {
        log.error("Tracker of read model {} failed to mark {}", lane.name(), stream, e);
      }
    }
    Effects effects = new Effects();
    lock.lock();
    try {
      task.state = State.PARKED;
      task.manualRetry = false;
      task.wasParked = true;
      task.parkedSince = scheduler.now();
      for (StreamKey stream : streams) {
        lane.parked.put(stream, task);
      }
      end(task);
      settle(effects);
    } finally {
      lock.unlock();
    }
    emitFailed(task, streams, error, attempt, true);
    apply(effects);
  }

  private void resume(Task task) {
    lock.lock();
    try {
      task.state = State.RUNNING;
    } finally {
      lock.unlock();
    }
    submit(task);
  }

  /** One event per stream: parking is per stream, and so are retry and skip. */
  private void emitFailed(Task task, List<StreamKey> streams, Throwable error, int attempt, boolean parked) {
    for (StreamKey stream : streams) {
      emitQuietly(
          QuireEvents.READ_MODEL_FAILED,
          new ReadModelFailed(task.lane.name(), task.batch.jobId, stream, error, attempt, parked));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queue bookkeeping (all under lock)

  private Lane lane(String name) {
    Lane lane = lanesByName.get(Objects.requireNonNull(name, "readModel"));
    if (lane == null) {
      throw new IllegalArgumentException("No read model named \"" + name + "\"");
    }
    return lane;
  }

  private static void enqueue(Task task) {
    for (StreamKey stream : task.streams) {
      task.lane.queues.computeIfAbsent(stream, key -> new ArrayDeque<>(4)).addLast(task);
    }
  }

  private static boolean runnable(Task task) {
    if (task.state != State.WAITING || !task.gateOpen) {
      return false;
    }
    for (StreamKey stream : task.streams) {
      if (task.lane.queues.get(stream).peekFirst() != task) {
        return false;
      }
    }
    return true;
  }

  private void startIfRunnable(Task task, Effects effects) {
    if (!runnable(task)) {
      return;
    }
    task.state = State.RUNNING;
    begin(task);
    if (task.lane == readyLane) {
      effects.emitReady(task);
    } else {
      effects.submit(task);
    }
  }

  /** Removes {@code task} from the head of its queue for {@code stream}; starts the next one. */
  private void release(Task task, StreamKey stream, Effects effects) {
    ArrayDeque<Task> queue = task.lane.queues.get(stream);
    Task head = queue.pollFirst();
    assert head == task : "released a task that was not at the head of " + stream;
    Task next = queue.peekFirst();
    if (next == null) {
      task.lane.queues.remove(stream);
    } else {
      startIfRunnable(next, effects);
    }
  }

  /** {@code task} (a read model's part of a batch) is finished for good: indexed or skipped. */
  private void completedForBatch(Task task, Effects effects) {
    if (task.lane.stage == ReadModelStage.PRE_READY && --task.batch.preRemaining == 0) {
      Task ready = task.batch.readyTask;
      ready.gateOpen = true;
      startIfRunnable(ready, effects);
    }
  }

  private void begin(Task task) {
    if (inFlight++ == 0 && idle == null) {
      idle = new CompletableFuture<>();
    }
    for (StreamKey stream : task.streams) {
      activeStreams.merge(stream, 1, Integer::sum);
    }
  }

  private void end(Task task) {
    for (StreamKey stream : task.streams) {
      activeStreams.computeIfPresent(stream, (key, count) -> count == 1 ? null : count - 1);
    }
    inFlight--;
  }

  /** Last step of every critical section: hand the idle future over if we are idle now. */
  private void settle(Effects effects) {
    if (inFlight == 0 && idle != null) {
      effects.idle = idle;
      idle = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // After the lock: submits, READY emission, idle notification

  private void apply(Effects effects) {
    Effects current = effects;
    ArrayDeque<Task> readyQueue = null;
    while (current != null) {
      if (current.submits != null) {
        current.submits.forEach(this::submit);
      }
      if (current.idle != null) {
        current.idle.complete(null);
      }
      if (current.readies != null) {
        if (readyQueue == null) {
          readyQueue = new ArrayDeque<>(current.readies);
        } else {
          readyQueue.addAll(current.readies);
        }
      }
      current = null;
      // A loop, not recursion: with a synchronous bus one READY can unlock a long run of others.
      while (current == null && readyQueue != null && !readyQueue.isEmpty()) {
        Task ready = readyQueue.poll();
        CompletableFuture<Void> emitted = emitReady(ready);
        if (emitted.isDone()) {
          current = readyEmitted(ready);
        } else {
          emitted.whenComplete((ignored, error) -> apply(readyEmitted(ready)));
        }
      }
    }
  }

  private CompletableFuture<Void> emitReady(Task ready) {
    Batch batch = ready.batch;
    CompletableFuture<Void> emitted;
    try {
      emitted = bus.emit(QuireEvents.OPERATIONS_READY, new OperationsReady(batch.jobId, batch.operations));
    } catch (RuntimeException e) {
      log.warn("Emitting OPERATIONS_READY for job {} failed", batch.jobId, e);
      return CompletableFuture.completedFuture(null);
    }
    if (emitted.isDone() && !emitted.isCompletedExceptionally()) {
      return emitted; // the common case: synchronous subscribers, no allocation
    }
    return emitted.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            log.warn("A subscriber of OPERATIONS_READY failed for job {}", batch.jobId, unwrap(error));
          }
        })
        .exceptionally(error -> null);
  }

  /** READY for the batch is out: release its READY queues and open its post-ready gates. */
  private Effects readyEmitted(Task ready) {
    Effects effects = new Effects();
    lock.lock();
    try {
      ready.state = State.DONE;
      for (StreamKey stream : ready.streams) {
        release(ready, stream, effects);
      }
      List<Task> postTasks = ready.batch.postTasks;
      if (postTasks != null) {
        for (Task task : postTasks) {
          task.gateOpen = true;
          startIfRunnable(task, effects);
        }
      }
      end(ready);
      settle(effects);
    } finally {
      lock.unlock();
    }
    return effects;
  }

  private <T> void emitQuietly(EventType<T> type, T event) {
    try {
      CompletableFuture<Void> emitted = bus.emit(type, event);
      if (emitted.isDone()) {
        if (emitted.isCompletedExceptionally()) {
          emitted.exceptionally(error -> logSubscriberFailure(type, error));
        }
      } else {
        emitted.exceptionally(error -> logSubscriberFailure(type, error));
      }
    } catch (RuntimeException e) {
      logSubscriberFailure(type, e);
    }
  }

  private static Void logSubscriberFailure(EventType<?> type, Throwable error) {
    log.warn("A subscriber of {} failed", type, unwrap(error));
    return null;
  }

  private static Throwable unwrap(Throwable error) {
    if (error instanceof CompletionException && error.getCause() != null) {
      return error.getCause();
    }
    if (error instanceof ExecutionException && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  private enum State {
    /** Queued behind earlier batches of its streams, or behind its gate. */
    WAITING,
    /** Submitted or running. */
    RUNNING,
    /** Failed; a retry timer is pending. */
    BACKOFF,
    /** Out of attempts; the tracker is being marked failed. */
    PARKING,
    /** Waiting for retry or skip. */
    PARKED,
    DONE
  }

  /** One read model (or the READY stage) with its per-stream queues. */
  private static final class Lane {
    final ReadModel model; // null for the READY lane
    final ReadModelStage stage;
    final Map<StreamKey, ArrayDeque<Task>> queues = new HashMap<>();
    final Map<StreamKey, Task> parked = new LinkedHashMap<>();
    long batchesIndexed;
    long operationsIndexed;
    long lastIndexedOrdinal = -1;
    Throwable lastError;

    Lane(ReadModel model, ReadModelStage stage) {
      this.model = model;
      this.stage = stage;
    }

    String name() {
      return model == null ? READY_LANE : model.name();
    }
  }

  /** One OPERATION_WRITTEN event. */
  private static final class Batch {
    final String jobId;
    final List<OperationWithContext> operations;
    final List<StreamKey> streams;
    int preRemaining;
    Task readyTask;
    List<Task> postTasks;

    Batch(String jobId, List<OperationWithContext> operations, List<StreamKey> streams) {
      this.jobId = jobId;
      this.operations = operations;
      this.streams = streams;
    }
  }

  /** One lane's share of one batch. Fields are guarded by the coordinator's lock. */
  private static final class Task {
    final Lane lane;
    final Batch batch;
    List<OperationWithContext> operations; // shrinks when a stream is skipped
    List<StreamKey> streams; // likewise
    State state = State.WAITING;
    boolean gateOpen;
    int attempts;
    Throwable lastError;
    Instant parkedSince;
    boolean wasParked;
    boolean manualRetry;
    /** Skips of this task's streams between their tracker update and their queue release. */
    int skipsInProgress;

    Task(Lane lane, Batch batch, boolean gateOpen) {
      this.lane = lane;
      this.batch = batch;
      this.operations = batch.operations;
      this.streams = batch.streams;
      this.gateOpen = gateOpen;
    }
  }

  /** What a critical section decided to do once the lock is released. */
  private static final class Effects {
    List<Task> submits;
    List<Task> readies;
    CompletableFuture<Void> idle;

    void submit(Task task) {
      if (submits == null) {
        submits = new ArrayList<>(2);
      }
      submits.add(task);
    }

    void emitReady(Task task) {
      if (readies == null) {
        readies = new ArrayList<>(1);
      }
      readies.add(task);
    }
  }

  /** Configures a {@link ReadModelCoordinator}; not thread-safe. */
  public static final class Builder {
    private final EventBus bus;
    private final List<ReadModel> preReady = new ArrayList<>();
    private final List<ReadModel> postReady = new ArrayList<>();
    private RetryPolicy retryPolicy;
    private Scheduler scheduler;
    private Executor executor;

    private Builder(EventBus bus) {
      this.bus = Objects.requireNonNull(bus, "bus");
    }

    /** Read models that must index a batch before its OPERATIONS_READY. */
    public Builder preReady(ReadModel... models) {
      Arrays.stream(models).map(model -> Objects.requireNonNull(model, "model")).forEach(preReady::add);
      return this;
    }

    /** Read models that index a batch after its OPERATIONS_READY (eventually consistent). */
    public Builder postReady(ReadModel... models) {
      Arrays.stream(models).map(model -> Objects.requireNonNull(model, "model")).forEach(postReady::add);
      return this;
    }

    /** Default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy policy) {
      requireUnset(retryPolicy, "retryPolicy");
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Clock and backoff timers; default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler scheduler) {
      requireUnset(this.scheduler, "scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where read model code runs; by default virtual threads named {@code quire-readmodel} or a
     * cached daemon pool of {@code quire-readmodel-N} (see {@link TaskThreads}), shut down by
     * {@link #close()}. An injected executor is not shut down.
     */
    public Builder executor(Executor executor) {
      requireUnset(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @throws IllegalArgumentException if two read models share a name
     */
    public ReadModelCoordinator build() {
      return new ReadModelCoordinator(this);
    }

    private static void requireUnset(Object current, String what) {
      if (current != null) {
        throw new IllegalStateException(what + " was already set to " + current);
      }
    }
  }
}
