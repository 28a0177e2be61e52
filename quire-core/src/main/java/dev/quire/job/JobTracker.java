package dev.quire.job;

import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The registry of {@link JobInfo} by job id and the job state machine:
 *
 * <pre>
 * PENDING → RUNNING → WRITE_READY → READ_READY        (OPERATIONS_READY for the job)
 *                          └──────→ READ_FAILED       (READ_MODEL_FAILED, parked, for the job)
 *                                       └──→ READ_READY (a later OPERATIONS_READY, after an admin retry)
 *              RUNNING → FAILED
 *              RUNNING → READ_READY                   (the job wrote no operation)
 * </pre>
 *
 * Transitions that do not start from the listed status are ignored (e.g. a late READ_MODEL_FAILED
 * for a job already READ_READY), so events arriving in any order cannot move a job backwards.
 *
 * <p>Retention: live jobs are always kept. Finished jobs (terminal status) are kept for {@code
 * retention} (default 10 minutes) and at most {@code maxFinished} of them (default 100,000), the
 * oldest evicted first; eviction runs as jobs finish. After eviction {@link #get} is empty and an
 * await fails with {@link UnknownJobException}. A finished job is kept encoded in {@link
 * FinishedJobs}, without an object of its own, because what the retained jobs keep alive sets the
 * young collections' pauses under load.
 *
 * <p>Concurrency: the map is concurrent; each entry is updated under its own monitor; listeners
 * (awaiters) are called outside it, on the thread that made the job terminal.
 */
public final class JobTracker {

  public static final int DEFAULT_MAX_FINISHED = 100_000;
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);

  /** Jobs not yet terminal; a terminal one moves to {@link #finished} under its monitor. */
  private final ConcurrentHashMap<String, Live> jobs = new ConcurrentHashMap<>();
  private final FinishedJobs finished;
  private final Scheduler scheduler;

  public JobTracker(Scheduler scheduler) {
    this(scheduler, DEFAULT_MAX_FINISHED, DEFAULT_RETENTION);
  }

  public JobTracker(Scheduler scheduler, int maxFinished, Duration retention) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (maxFinished < 1) {
      throw new IllegalArgumentException("maxFinished must be >= 1, got " + maxFinished);
    }
    this.finished = new FinishedJobs(maxFinished, retention.toNanos());
  }

  /**
   * Moves jobs on the coordinator's events: OPERATIONS_READY → READ_READY, READ_MODEL_FAILED with
   * {@code parked} → READ_FAILED. Close the returned subscription to stop.
   */
  public Subscription listenTo(EventBus bus) {
    Subscription ready =
        bus.subscribe(QuireEvents.OPERATIONS_READY, event -> {
          if (event.jobId() != null) {
            markReadReady(event.jobId());
          }
        });
    Subscription failed =
        bus.subscribe(QuireEvents.READ_MODEL_FAILED, event -> {
          if (event.parked() && event.jobId() != null) {
            markReadFailed(event.jobId(), readFailure(event));
          }
        });
    return () -> {
      ready.unsubscribe();
      failed.unsubscribe();
    };
  }

  /** Registers a new job as PENDING and returns its info. */
  public JobInfo register(Job job) {
    JobInfo info = new JobInfo(job.id(), job.documentId(), JobStatus.PENDING, job.createdAt(), null, null,
        List.of(), Optional.empty(), 0);
    if (finished.contains(job.id()) || jobs.putIfAbsent(job.id(), new Live(info)) != null) {
      throw new InvalidJobException(job.id(), "Duplicate job id: " + job.id());
    }
    return info;
  }

  /** Forgets a job that was registered but could not be queued. */
  void unregister(String jobId) {
    jobs.remove(jobId);
  }

  public Optional<JobInfo> get(String jobId) {
    Live entry = jobs.get(jobId);
    if (entry != null) {
      synchronized (entry) {
        if (!entry.retired) {
          return Optional.of(entry.info);
        }
      }
    }
    // Finished: it went to `finished` before it left `jobs`.
    return finished.get(jobId);
  }

  /**
   * Whether the job's write phase is over (WRITE_READY, READ_READY, FAILED or READ_FAILED): what a
   * dependent job waits for.
   */
  public boolean isWriteFinished(String jobId) {
    return get(jobId).map(info -> info.status() != JobStatus.PENDING && info.status() != JobStatus.RUNNING)
        .orElse(false);
  }

  /** Jobs currently held (live and retained finished ones). */
  public int size() {
    return jobs.size() + finished.size();
  }

  /** PENDING → RUNNING, or a retry of a RUNNING job; counts the attempt. */
  public void markRunning(String jobId) {
    update(jobId, info -> info.status() == JobStatus.PENDING || info.status() == JobStatus.RUNNING
        ? with(info, JobStatus.RUNNING, info.completedAt(), info.error(), info.errorHistory(),
            info.consistencyToken(), info.attempts() + 1)
        : null);
  }

  /** Records a transient error of a RUNNING job that will be retried. */
  public void recordRetry(String jobId, Throwable error) {
    ErrorInfo errorInfo = ErrorInfo.of(error);
    update(jobId, info -> info.status() == JobStatus.RUNNING
        ? with(info, JobStatus.RUNNING, null, info.error(), append(info.errorHistory(), errorInfo),
            info.consistencyToken(), info.attempts())
        : null);
  }

  /** RUNNING → WRITE_READY: the job's operations are durable; {@code token} names them. */
  public void markWriteReady(String jobId, ConsistencyToken token) {
    Objects.requireNonNull(token, "token");
    update(jobId, info -> info.status() == JobStatus.RUNNING
        ? with(info, JobStatus.WRITE_READY, null, null, info.errorHistory(), Optional.of(token), info.attempts())
        : null);
  }

  /** RUNNING → READ_READY for a job that wrote nothing: there is nothing to index. */
  public void markCompletedWithoutOperations(String jobId) {
    update(jobId, info -> info.status() == JobStatus.RUNNING
        ? with(info, JobStatus.READ_READY, now(), null, info.errorHistory(),
            Optional.of(ConsistencyToken.empty()), info.attempts())
        : null);
  }

  /** WRITE_READY or READ_FAILED → READ_READY. */
  public void markReadReady(String jobId) {
    update(jobId, info -> info.status() == JobStatus.WRITE_READY || info.status() == JobStatus.READ_FAILED
        ? with(info, JobStatus.READ_READY, info.completedAt() != null ? info.completedAt() : now(), null,
            info.errorHistory(), info.consistencyToken(), info.attempts())
        : null);
  }

  /** WRITE_READY → READ_FAILED: a read model parked the job's stream. */
  public void markReadFailed(String jobId, ErrorInfo error) {
    update(jobId, info -> info.status() == JobStatus.WRITE_READY
        ? with(info, JobStatus.READ_FAILED, now(), error, append(info.errorHistory(), error),
            info.consistencyToken(), info.attempts())
        : null);
  }

  /** PENDING or RUNNING → FAILED; nothing was written, so the job has no token. */
  public void markFailed(String jobId, ErrorInfo error) {
    update(jobId, info -> info.status() == JobStatus.PENDING || info.status() == JobStatus.RUNNING
        ? with(info, JobStatus.FAILED, now(), error, append(info.errorHistory(), error), Optional.empty(),
            info.attempts())
        : null);
  }

  /**
   * Calls {@code listener} once with the job's info when it is terminal: at once (on this thread) if
   * it already is, else on the thread that makes it terminal.
   *
   * @return removes the listener if it has not been called yet
   * @throws UnknownJobException when the job is not known
   */
  public Runnable onTerminal(String jobId, Consumer<JobInfo> listener) {
    while (true) {
      Live entry = jobs.get(jobId);
      if (entry == null) {
        JobInfo done = finished.get(jobId).orElseThrow(() -> new UnknownJobException(jobId));
        listener.accept(done);
        return () -> {};
      }
      synchronized (entry) {
        if (entry.retired) {
          continue; // finished meanwhile: it is among the finished jobs now
        }
        entry.addListener(listener);
      }
      return () -> {
        synchronized (entry) {
          entry.removeListener(listener);
        }
      };
    }
  }

  private void update(String jobId, UnaryOperator<JobInfo> transition) {
    while (true) {
      Live entry = jobs.get(jobId);
      if (entry == null) {
        // A terminal job that moves on (READ_FAILED → READ_READY) stays finished, where it is.
        finished.update(jobId, transition);
        return;
      }
      JobInfo next;
      List<Consumer<JobInfo>> toNotify;
      synchronized (entry) {
        if (entry.retired) {
          continue;
        }
        next = transition.apply(entry.info);
        if (next == null) {
          return;
        }
        entry.info = next;
        if (!next.isTerminal()) {
          return;
        }
        // Moved under the entry's monitor, finished first, so every later reader finds it. Adding
        // forgets older jobs beyond the retention: whoever hears of this one sees them gone.
        finished.add(next, scheduler.nanoTime());
        entry.retired = true;
        jobs.remove(jobId, entry);
        toNotify = entry.takeListeners();
      }
      for (Consumer<JobInfo> listener : toNotify) {
        listener.accept(next);
      }
      return;
    }
  }

  private Instant now() {
    return scheduler.now();
  }

  private static ErrorInfo readFailure(QuireEvents.ReadModelFailed event) {
    String message = "Read model " + event.readModel() + " parked stream " + event.stream() + " after "
        + event.attempt() + " attempt(s): "
        + (event.error() == null ? "unknown error" : event.error().getClass().getSimpleName() + ": "
            + event.error().getMessage());
    return new ErrorInfo("ReadModelFailedException", message);
  }

  private static List<ErrorInfo> append(List<ErrorInfo> history, ErrorInfo error) {
    List<ErrorInfo> next = new ArrayList<>(history.size() + 1);
    next.addAll(history);
    next.add(error);
    return next;
  }

  private static JobInfo with(
      JobInfo info,
      JobStatus status,
      Instant completedAt,
      ErrorInfo error,
      List<ErrorInfo> history,
      Optional<ConsistencyToken> token,
      int attempts) {
    return new JobInfo(info.id(), info.documentId(), status, info.createdAt(), completedAt, error, history, token,
        attempts);
  }

  /** A job not yet terminal: changes under its own monitor, may have listeners. */
  private static final class Live {
    JobInfo info;
    /** Terminal and moved to the finished jobs: readers that still hold this must look there. */
    boolean retired;
    private List<Consumer<JobInfo>> listeners;

    Live(JobInfo info) {
      this.info = info;
    }

    void addListener(Consumer<JobInfo> listener) {
      if (listeners == null) {
        listeners = new ArrayList<>(1);
      }
      listeners.add(listener);
    }

    void removeListener(Consumer<JobInfo> listener) {
      if (listeners != null) {
        listeners.remove(listener);
      }
    }

    List<Consumer<JobInfo>> takeListeners() {
      List<Consumer<JobInfo>> taken = listeners == null ? List.of() : listeners;
      listeners = null;
      return taken;
    }
  }
}
