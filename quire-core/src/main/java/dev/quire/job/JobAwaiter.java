package dev.quire.job;

import dev.quire.concurrent.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Waits for jobs to end: READ_READY, FAILED or READ_FAILED. Event-driven (the {@link JobTracker}
 * calls back on the transition) and bounded: every wait has a deadline on the injected {@link
 * Scheduler} and ends with a {@link JobWaitTimeoutException} naming the job's last status. No thread
 * is parked per waiter by {@link #awaitAsync}.
 *
 * <p>A job that reaches READ_FAILED ends the wait (with that status) even though an operator may
 * later retry the read model and move it to READ_READY: nothing hangs on a parked read model.
 */
public final class JobAwaiter {

  private final JobTracker tracker;
  private final Scheduler scheduler;

  public JobAwaiter(JobTracker tracker, Scheduler scheduler) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * The job's final info once it is terminal.
   *
   * @return a future failing with {@link UnknownJobException} for an unknown id, or {@link
   *     JobWaitTimeoutException} when {@code timeout} passes first
   */
  public CompletableFuture<JobInfo> awaitAsync(String jobId, Duration timeout) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
    CompletableFuture<JobInfo> result = new CompletableFuture<>();
    Runnable removeListener;
    try {
      removeListener = tracker.onTerminal(jobId, result::complete);
    } catch (UnknownJobException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (result.isDone()) {
      return result;
    }
    long startNanos = scheduler.nanoTime();
    Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
      JobStatus last = tracker.get(jobId).map(JobInfo::status).orElse(JobStatus.PENDING);
      result.completeExceptionally(
          new JobWaitTimeoutException(jobId, last, Duration.ofNanos(scheduler.nanoTime() - startNanos)));
    });
    result.whenComplete((info, error) -> {
      timer.cancel();
      removeListener.run();
    });
    return result;
  }

  /**
   * Blocking twin of {@link #awaitAsync}.
   *
   * @throws UnknownJobException for an unknown id
   * @throws JobWaitTimeoutException when {@code timeout} passes first
   * @throws IllegalStateException when interrupted (the interrupt flag is restored)
   */
  public JobInfo await(String jobId, Duration timeout) {
    try {
      return awaitAsync(jobId, timeout).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for job " + jobId, e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  static RuntimeException unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
  }
}
