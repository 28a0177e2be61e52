package dev.quire.jdbc;

import dev.quire.concurrent.NamedThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Funnels concurrent requests into one worker thread that hands them to a {@link Handler} in
 * groups, so many callers share one transaction and one fsync. No artificial delay: while the
 * worker commits one group, the next one accumulates, so groups grow exactly as fast as load does.
 *
 * <p>Concurrency: {@link #submit} may be called from any thread; only the worker thread calls the
 * handler, one group at a time, in submission order. {@link #close()} lets the worker finish every
 * request submitted before it and fails any submitted after.
 */
final class GroupCommitter<T, R> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  /** One submitted item and the future its submitter waits on. */
  static final class Request<T, R> {
    private final T item;
    private final CompletableFuture<R> result = new CompletableFuture<>();

    Request(T item) {
      this.item = item;
    }

    T item() {
      return item;
    }

    CompletableFuture<R> result() {
      return result;
    }
  }

  /** Handles one group; must complete every request's future (normally or exceptionally). */
  @FunctionalInterface
  interface Handler<T, R> {
    void handle(List<Request<T, R>> group) throws Exception;
  }

  private final String name;
  private final int maxGroupSize;
  private final Gathering gathering;
  private final Handler<T, R> handler;
  private final BlockingQueue<Request<T, R>> queue = new LinkedBlockingQueue<>();
  private final Request<T, R> poison = new Request<>(null);
  private final Thread worker;
  private final Object lifecycle = new Object();
  // Guarded by lifecycle.
  private boolean closed;

  /**
   * How the worker may wait for more requests once it has taken what was queued; waiting costs the
   * group's first request a little latency and saves transactions (commits, lock hand-overs).
   */
  sealed interface Gathering {
    /** Never wait: handle what is queued at once. */
    record None() implements Gathering {}

    /**
     * Wait up to {@code maxNanos} for the group to reach the previous group's size. For a committer
     * whose callers resubmit as soon as they are released: without it, the first of them would
     * commit alone and the rest would queue behind its fsync, halving the group every round.
     */
    record ToPreviousSize(long maxNanos) implements Gathering {}
  }

  GroupCommitter(String name, int maxGroupSize, Gathering gathering, Handler<T, R> handler) {
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize must be positive, got " + maxGroupSize);
    }
    this.name = name;
    this.maxGroupSize = maxGroupSize;
    this.gathering = Objects.requireNonNull(gathering, "gathering");
    this.handler = handler;
    this.worker = NamedThreadFactory.daemon(name).newThread(this::run);
    worker.start();
  }

  /** Queues {@code item}; the future completes when its group has been handled. */
  CompletableFuture<R> submit(T item) {
    Request<T, R> request = new Request<>(item);
    synchronized (lifecycle) {
      if (closed) {
        request.result.completeExceptionally(new IllegalStateException(name + " is closed"));
        return request.result;
      }
      queue.add(request);
    }
    return request.result;
  }

  /** Requests waiting for the worker; a backlog gauge. */
  int queued() {
    return queue.size();
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(poison);
    }
    if (Thread.currentThread() != worker) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    List<Request<T, R>> group = new ArrayList<>(maxGroupSize);
    boolean stop = false;
    int previousSize = 0;
    while (!stop) {
      try {
        group.add(queue.take());
        queue.drainTo(group, maxGroupSize - 1);
        switch (gathering) {
          case Gathering.None none -> {}
          case Gathering.ToPreviousSize toPrevious ->
              gatherToSize(group, Math.min(previousSize, maxGroupSize), toPrevious.maxNanos());
        }
      } catch (InterruptedException e) {
        failAll(new IllegalStateException(name + " was interrupted"));
        return;
      }
      stop = group.remove(poison);
      previousSize = group.size();
      if (!group.isEmpty()) {
        handle(group);
      }
      group.clear();
    }
  }

  /** Waits up to {@code maxNanos} for the group to reach {@code target} requests. */
  private void gatherToSize(List<Request<T, R>> group, int target, long maxNanos) throws InterruptedException {
    long deadline = System.nanoTime() + maxNanos;
    while (group.size() < target && !group.contains(poison)) {
      if (!takeNext(group, deadline - System.nanoTime())) {
        return;
      }
    }
  }

  /** Waits up to {@code nanos} for one more request and drains what came with it; false if none came. */
  private boolean takeNext(List<Request<T, R>> group, long nanos) throws InterruptedException {
    if (nanos <= 0) {
      return false;
    }
    Request<T, R> next = queue.poll(nanos, TimeUnit.NANOSECONDS);
    if (next == null) {
      return false;
    }
    group.add(next);
    if (next != poison) {
      queue.drainTo(group, maxGroupSize - group.size());
    }
    return true;
  }

  private void handle(List<Request<T, R>> group) {
    try {
      handler.handle(group);
    } catch (Throwable t) {
      log.error("{} failed a group of {} request(s)", name, group.size(), t);
      for (Request<T, R> request : group) {
        request.result.completeExceptionally(t);
      }
      if (t instanceof Error error && !(t instanceof AssertionError)) {
        throw error;
      }
    }
    for (Request<T, R> request : group) {
      if (!request.result.isDone()) {
        request.result.completeExceptionally(new IllegalStateException(name + " left a request unanswered"));
      }
    }
  }

  private void failAll(RuntimeException failure) {
    List<Request<T, R>> left = new ArrayList<>();
    queue.drainTo(left);
    for (Request<T, R> request : left) {
      request.result.completeExceptionally(failure);
    }
  }
}
