package dev.quire.readmodel;

import static org.assertj.core.api.Assertions.fail;

import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.OperationWithContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A read model double with a real {@link ConsistencyTracker}. What each call does is scripted by a
 * behaviour (succeed, hold until the test completes the call's gate, fail); a successful call
 * "commits" (appends to {@link #indexed()}) and only then updates the tracker, like a real one.
 */
final class TestReadModel implements ReadModel {

  static final long WAIT_SECONDS = 5;

  private final String name;
  private final ConsistencyTracker tracker;
  private final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final List<List<OperationWithContext>> indexed = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<Call, CompletionStage<Void>> behaviour =
      call -> CompletableFuture.completedFuture(null);
  private volatile boolean recordCalls = true;

  private TestReadModel(String name, Scheduler scheduler) {
    this.name = name;
    this.tracker = new ConsistencyTracker(name, scheduler);
  }

  static TestReadModel named(String name) {
    return new TestReadModel(name, Scheduler.system());
  }

  static TestReadModel named(String name, Scheduler scheduler) {
    return new TestReadModel(name, scheduler);
  }

  /** Every call waits until the test completes (or fails) its {@link Call#gate}. */
  TestReadModel holding() {
    return behave(call -> call.gate);
  }

  /** Every call succeeds at once. */
  TestReadModel succeeding() {
    return behave(call -> CompletableFuture.completedFuture(null));
  }

  /** Every call fails at once with {@code error} (a failed stage, not a throw). */
  TestReadModel failing(Throwable error) {
    return behave(call -> CompletableFuture.failedFuture(error));
  }

  TestReadModel behave(Function<Call, CompletionStage<Void>> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  /** Stops queueing calls (for stress tests, where nobody takes them). */
  TestReadModel withoutCallLog() {
    this.recordCalls = false;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    Call call = new Call(operations, Thread.currentThread().getName());
    if (recordCalls) {
      calls.add(call);
    }
    return behaviour.apply(call)
        .thenRun(
            () -> {
              indexed.add(operations);
              tracker.update(operations.stream().map(OperationWithContext::coordinate).toList());
            });
  }

  /** The next call, waiting up to {@value #WAIT_SECONDS} s for it. */
  Call nextCall() {
    try {
      Call call = calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (call == null) {
        fail(name + " was not called within " + WAIT_SECONDS + " s");
      }
      return call;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Calls made so far and not yet taken with {@link #nextCall()}. */
  int pendingCalls() {
    return calls.size();
  }

  /** Successfully indexed batches, in commit order. */
  List<List<OperationWithContext>> indexed() {
    synchronized (indexed) {
      return List.copyOf(indexed);
    }
  }

  /** Ids of every indexed operation, in commit order. */
  List<String> indexedIds() {
    return indexed().stream().flatMap(List::stream).map(op -> op.operation().id()).toList();
  }

  @Override
  public String toString() {
    return name;
  }

  /** One {@code indexOperations} call. */
  static final class Call {
    final List<OperationWithContext> operations;
    final String thread;
    final CompletableFuture<Void> gate = new CompletableFuture<>();

    Call(List<OperationWithContext> operations, String thread) {
      this.operations = operations;
      this.thread = thread;
    }

    void complete() {
      gate.complete(null);
    }

    void fail(Throwable error) {
      gate.completeExceptionally(error);
    }

    List<String> ids() {
      return operations.stream().map(op -> op.operation().id()).toList();
    }

    List<ConsistencyCoordinate> coordinates() {
      return operations.stream().map(OperationWithContext::coordinate).toList();
    }
  }
}
