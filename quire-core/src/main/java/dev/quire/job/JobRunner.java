package dev.quire.job;

import dev.quire.concurrent.NamedThreadFactory;
import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.model.DocumentDeletedException;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.InvalidActionException;
import dev.quire.model.OperationWithContext;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.DuplicateOperationException;
import dev.quire.store.RevisionMismatchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write pipeline: registers jobs with the {@link JobTracker}, orders them in the {@link
 * JobQueue}, runs them on worker threads with the {@link JobExecutor}, classifies failures, and
 * publishes what was written.
 *
 * <p>Per job: RUNNING, execute, then on success mark WRITE_READY with the token (every written
 * coordinate) and only then emit {@code OPERATION_WRITTEN}, so the coordinator's {@code
 * OPERATIONS_READY} can never arrive before the job is WRITE_READY; a job that wrote nothing goes
 * straight to READ_READY. Only after that is the job given back to the queue, so the events of one
 * document are emitted in job order.
 *
 * <p>Failures: {@link RevisionMismatchException} and unclassified runtime exceptions (e.g. a store
 * I/O error) are transient and retried with the policy's backoff, at the head of the document's
 * queue, up to {@code maxAttempts} attempts in total; refusals that would fail the same way again
 * ({@link InvalidActionException}, {@link DocumentNotFoundException}, {@link
 * DocumentDeletedException}, {@link UnknownDocumentTypeException}, {@link
 * DuplicateOperationException}, {@link IllegalArgumentException}) and {@link Error}s fail at once.
 * A terminal failure marks the job FAILED and emits {@code JOB_FAILED}.
 *
 * <p>Concurrency: up to {@code parallelism} jobs run at once, on platform threads named {@code
 * quire-job-N} or on virtual threads named {@code quire-job}. Durable stores group concurrent
 * appends into one commit, so the default (64) is deliberately high.
 */
public final class JobRunner implements AutoCloseable {

  public static final int DEFAULT_PARALLELISM = 64;

  /** Job retries: 5 attempts, 5 ms doubling up to 500 ms. */
  public static final RetryPolicy DEFAULT_RETRY = new RetryPolicy(5, Duration.ofMillis(5), Duration.ofMillis(500), 2.0);

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final JobExecutor executor;
  private final JobTracker tracker;
  private final EventBus bus;
  private final Scheduler scheduler;
  private final RetryPolicy retry;
  private final ExecutorService workers;
  private final JobQueue queue;

  /**
   * @param virtualThreads run jobs on virtual threads instead of a pool of platform threads
   */
  public JobRunner(
      JobExecutor executor,
      JobTracker tracker,
      EventBus bus,
      Scheduler scheduler,
      RetryPolicy retry,
      int parallelism,
      boolean virtualThreads) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.bus = Objects.requireNonNull(bus, "bus");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.retry = Objects.requireNonNull(retry, "retry");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    if (virtualThreads) {
      this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("quire-job").factory());
    } else {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), NamedThreadFactory.daemon("quire-job"));
      // The queue never hands out more than `parallelism` jobs, so idle threads can go.
      pool.allowCoreThreadTimeOut(true);
      this.workers = pool;
    }
    this.queue = new JobQueue(parallelism, this::dispatch, tracker::isWriteFinished, scheduler);
  }

  /**
   * Registers and queues one job; returns its PENDING info.
   *
   * @throws InvalidJobException when the job or its dependencies are invalid (nothing queued)
   * @throws IllegalStateException after {@link #close()}
   */
  public JobInfo submit(Job job) {
    return submitAll(List.of(job)).get(0);
  }

  /** Registers and queues jobs atomically, in topological order; see {@link JobQueue#submitAll}. */
  public List<JobInfo> submitAll(List<Job> jobs) {
    List<JobInfo> infos = new ArrayList<>(jobs.size());
    try {
      for (Job job : jobs) {
        infos.add(tracker.register(job));
      }
      queue.submitAll(jobs);
    } catch (RuntimeException e) {
      for (int i = 0; i < infos.size(); i++) {
        tracker.unregister(jobs.get(i).id());
      }
      throw e;
    }
    return infos;
  }

  public JobQueue queue() {
    return queue;
  }

  public JobTracker tracker() {
    return tracker;
  }

  /** Completes when no job is queued, running or backing off. */
  public CompletableFuture<Void> drain() {
    return queue.drain();
  }

  /** Refuses new jobs, lets queued ones finish (bounded by {@code timeout}), stops the workers. */
  public void close(Duration timeout) {
    try {
      queue.close().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Job queue did not drain within {} ms; {} job(s) left", timeout.toMillis(), queue.size());
    }
    workers.shutdown();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  private void dispatch(Job job) {
    try {
      workers.execute(() -> run(job));
    } catch (RejectedExecutionException e) {
      // Only after close() gave up waiting for the queue: fail the job rather than lose it silently.
      tracker.markFailed(job.id(), new ErrorInfo("RejectedExecutionException", "The reactor closed before the job ran"));
      queue.finished(job);
    }
  }

  private void run(Job job) {
    tracker.markRunning(job.id());
    List<OperationWithContext> written;
    try {
      written = executor.execute(job);
    } catch (Throwable error) {
      handleFailure(job, error);
      return;
    }
    try {
      if (written.isEmpty()) {
        tracker.markCompletedWithoutOperations(job.id());
      } else {
        List<ConsistencyCoordinate> coordinates = executor.readCoordinates(job, written);
        tracker.markWriteReady(job.id(), ConsistencyToken.of(scheduler.now(), coordinates));
        publish(job, written);
      }
    } finally {
      queue.finished(job);
    }
  }

  private void publish(Job job, List<OperationWithContext> written) {
    try {
      bus.emit(QuireEvents.OPERATION_WRITTEN, new QuireEvents.OperationWritten(job.id(), written))
          .whenComplete((ignored, error) -> {
            if (error != null) {
              LOG.error("A subscriber of OPERATION_WRITTEN failed for job {}", job.id(), error);
            }
          });
    } catch (RuntimeException e) {
      // The write is durable; read models catch up from the store.
      LOG.error("Emitting OPERATION_WRITTEN failed for job {}", job.id(), e);
    }
  }

  private void handleFailure(Job job, Throwable error) {
    int attempts = tracker.get(job.id()).map(JobInfo::attempts).orElse(1);
    if (isTransient(error) && attempts < retry.maxAttempts()) {
      Duration delay = retry.backoff(attempts);
      LOG.debug("Job {} attempt {} failed transiently, retrying in {} ms: {}", job.id(), attempts,
          delay.toMillis(), error.toString());
      tracker.recordRetry(job.id(), error);
      queue.retry(job, delay);
      return;
    }
    ErrorInfo info = ErrorInfo.of(error);
    if (isTransient(error)) {
      info = new ErrorInfo(info.type(), "Job failed after " + attempts + " attempt(s); last error: " + info.message());
    } else {
      LOG.debug("Job {} failed: {}", job.id(), error.toString());
    }
    try {
      tracker.markFailed(job.id(), info);
      try {
        bus.emit(QuireEvents.JOB_FAILED, new QuireEvents.JobFailed(job.id(), job.documentId(), error));
      } catch (RuntimeException e) {
        LOG.error("Emitting JOB_FAILED failed for job {}", job.id(), e);
      }
    } finally {
      queue.finished(job);
    }
  }

  /** Whether running the job again could succeed. */
  static boolean isTransient(Throwable error) {
    if (error instanceof Error) {
      return false;
    }
    if (error instanceof RevisionMismatchException) {
      return true;
    }
    return !(error instanceof InvalidActionException
        || error instanceof DocumentNotFoundException
        || error instanceof DocumentDeletedException
        || error instanceof UnknownDocumentTypeException
        || error instanceof DuplicateOperationException
        || error instanceof LoadConflictException
        || error instanceof InvalidJobException
        || error instanceof IllegalArgumentException);
  }
}
