package dev.quire.job;

import dev.quire.concurrent.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Orders write jobs: serial per document, parallel across documents, FIFO per document, and a job
 * waits for its dependencies.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards every field below it. Per document there is one
 * FIFO deque; only its head can run, and only while no other job of the same document is running
 * or backing off for a retry (the origin serialises per document across scopes and branches, and
 * so do we: a job may write several scopes atomically). A head whose dependencies are still live
 * (queued, running or backing off) blocks its own document only (head-of-line), and is re-examined
 * when the last of them finishes, completed or failed alike. Runnable documents wait in a FIFO
 * "ready" set, so documents are served round-robin; at most {@code maxRunning} jobs are handed to
 * the dispatcher at once. The dispatcher (the worker pool) is always called outside the lock.
 *
 * <p>A transient failure is retried with {@link #retry}: the job gives its worker slot back at once,
 * its document stays busy during the backoff (so no later job of that document overtakes it), and
 * when the {@link Scheduler} fires it goes back to the HEAD of its document's deque. This keeps
 * per-document FIFO, unlike the origin, which re-queued at the tail with no delay.
 *
 * <p>Dependencies are checked at submit time: every dependency must be a live job, an earlier job of
 * the same {@link #submitAll} call, or a job {@code isFinished} knows. Anything else is refused, so
 * a dependency cycle (which the origin let block forever) cannot be built.
 */
public final class JobQueue {

  private final ReentrantLock lock = new ReentrantLock();

  /** Per document: jobs not yet started, head first. Guarded by lock. */
  private final Map<String, ArrayDeque<Job>> queues = new HashMap<>();
  /** Documents with a job running or backing off. Guarded by lock. */
  private final Set<String> busyDocuments = new HashSet<>();
  /** Documents whose head can run now, oldest first. Guarded by lock. */
  private final LinkedHashSet<String> readyDocuments = new LinkedHashSet<>();
  /** Queued, running or backing-off jobs by id. Guarded by lock. */
  private final Map<String, Job> live = new HashMap<>();
  /** Dependency id -> documents whose head waits for it. Guarded by lock. */
  private final Map<String, Set<String>> waitingOn = new HashMap<>();
  /** Futures of {@link #drain()} callers. Guarded by lock. */
  private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
  /** Jobs handed to the dispatcher and not yet finished or backing off. Guarded by lock. */
  private int running;
  /** Guarded by lock. */
  private boolean closed;

  private final int maxRunning;
  private final Consumer<Job> dispatcher;
  private final Predicate<String> isFinished;
  private final Scheduler scheduler;

  /**
   * @param maxRunning how many jobs may run at once (across documents)
   * @param dispatcher runs a job; must not block (hand it to a worker). Every job it receives must
   *     later be given back through {@link #finished} or {@link #retry}
   * @param isFinished whether a job id that is not live is known to have finished; used to accept
   *     dependencies on jobs that already ran
   */
  public JobQueue(int maxRunning, Consumer<Job> dispatcher, Predicate<String> isFinished, Scheduler scheduler) {
    if (maxRunning < 1) {
      throw new IllegalArgumentException("maxRunning must be >= 1, got " + maxRunning);
    }
    this.maxRunning = maxRunning;
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.isFinished = Objects.requireNonNull(isFinished, "isFinished");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * Queues one job at the tail of its document's deque.
   *
   * @throws InvalidJobException for a duplicate id, a self dependency or an unknown dependency
   * @throws IllegalStateException after {@link #close()}
   */
  public void submit(Job job) {
    submitAll(List.of(job));
  }

  /**
   * Queues jobs atomically, in list order: either all are queued or none. A job may depend on an
   * earlier job of the list, never on a later one (give the list in topological order).
   *
   * @throws InvalidJobException for a duplicate id, a self or forward dependency, or an unknown one
   * @throws IllegalStateException after {@link #close()}
   */
  public void submitAll(List<Job> jobs) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("The job queue is closed");
      }
      validate(jobs);
      for (Job job : jobs) {
        live.put(job.id(), job);
        ArrayDeque<Job> queue = queues.computeIfAbsent(job.documentId(), d -> new ArrayDeque<>());
        queue.addLast(job);
        if (queue.size() == 1) {
          examineHead(job.documentId());
        }
      }
    } finally {
      lock.unlock();
    }
    dispatchReady();
  }

  /**
   * Gives back a dispatched job that completed or failed: its document may run its next job and its
   * dependents are released (a failed dependency releases them too, as in the origin).
   */
  public void finished(Job job) {
    List<CompletableFuture<Void>> drained = List.of();
    lock.lock();
    try {
      if (live.remove(job.id()) == null) {
        throw new IllegalStateException("Job " + job.id() + " is not live");
      }
      running--;
      busyDocuments.remove(job.documentId());
      examineHead(job.documentId());
      Set<String> waiting = waitingOn.remove(job.id());
      if (waiting != null) {
        for (String documentId : waiting) {
          examineHead(documentId);
        }
      }
      if (live.isEmpty() && !drainWaiters.isEmpty()) {
        drained = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
      }
    } finally {
      lock.unlock();
    }
    // Completed outside the lock: drain callers' continuations may submit or query.
    drained.forEach(waiter -> waiter.complete(null));
    dispatchReady();
  }

  /**
   * Gives back a dispatched job that failed transiently: after {@code delay} it goes back to the head
   * of its document's deque. Its worker slot is free during the delay; its document is not.
   */
  public void retry(Job job, Duration delay) {
    lock.lock();
    try {
      if (!live.containsKey(job.id())) {
        throw new IllegalStateException("Job " + job.id() + " is not live");
      }
      running--;
    } finally {
      lock.unlock();
    }
    dispatchReady();
    scheduler.schedule(delay, () -> requeueAtHead(job));
  }

  /** Completes when no job is queued, running or backing off. */
  public CompletableFuture<Void> drain() {
    lock.lock();
    try {
      if (live.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      drainWaiters.add(waiter);
      return waiter;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new jobs from now on; returns {@link #drain()}. Idempotent. */
  public CompletableFuture<Void> close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    return drain();
  }

  /** Jobs queued, running or backing off. */
  public int size() {
    lock.lock();
    try {
      return live.size();
    } finally {
      lock.unlock();
    }
  }

  /** Jobs handed to the dispatcher and not yet given back. */
  public int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the job is queued, running or backing off. */
  public boolean isLive(String jobId) {
    lock.lock();
    try {
      return live.containsKey(jobId);
    } finally {
      lock.unlock();
    }
  }

  private void validate(List<Job> jobs) {
    Set<String> earlier = new HashSet<>();
    Set<String> all = new HashSet<>();
    for (Job job : jobs) {
      if (!all.add(job.id()) || live.containsKey(job.id())) {
        throw new InvalidJobException(job.id(), "Duplicate job id: " + job.id());
      }
    }
    for (Job job : jobs) {
      for (String dependency : job.dependencies()) {
        if (dependency.equals(job.id())) {
          throw new InvalidJobException(job.id(), "Job " + job.id() + " depends on itself");
        }
        if (earlier.contains(dependency) || live.containsKey(dependency)) {
          continue;
        }
        if (all.contains(dependency)) {
          throw new InvalidJobException(
              job.id(), "Job " + job.id() + " depends on " + dependency + ", which is submitted after it");
        }
        if (!isFinished.test(dependency)) {
          throw new InvalidJobException(job.id(), "Job " + job.id() + " depends on unknown job " + dependency);
        }
      }
      earlier.add(job.id());
    }
  }

  private void requeueAtHead(Job job) {
    lock.lock();
    try {
      busyDocuments.remove(job.documentId());
      queues.computeIfAbsent(job.documentId(), d -> new ArrayDeque<>()).addFirst(job);
      examineHead(job.documentId());
    } finally {
      lock.unlock();
    }
    dispatchReady();
  }

  /** Puts the document in the ready set, or registers its head's unmet dependencies. Lock held. */
  private void examineHead(String documentId) {
    if (busyDocuments.contains(documentId)) {
      return;
    }
    ArrayDeque<Job> queue = queues.get(documentId);
    if (queue == null || queue.isEmpty()) {
      queues.remove(documentId);
      return;
    }
    Job head = queue.peekFirst();
    boolean blocked = false;
    for (String dependency : head.dependencies()) {
      if (live.containsKey(dependency)) {
        waitingOn.computeIfAbsent(dependency, d -> new HashSet<>()).add(documentId);
        blocked = true;
      }
    }
    if (!blocked) {
      readyDocuments.add(documentId);
    }
  }

  private void dispatchReady() {
    List<Job> toRun = new ArrayList<>();
    lock.lock();
    try {
      Iterator<String> ready = readyDocuments.iterator();
      while (running < maxRunning && ready.hasNext()) {
        String documentId = ready.next();
        ready.remove();
        ArrayDeque<Job> queue = queues.get(documentId);
        Job job = queue.pollFirst();
        if (queue.isEmpty()) {
          queues.remove(documentId);
        }
        busyDocuments.add(documentId);
        running++;
        toRun.add(job);
      }
    } finally {
      lock.unlock();
    }
    for (Job job : toRun) {
      dispatcher.accept(job);
    }
  }
}
