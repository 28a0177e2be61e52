package dev.quire.bench.load;

import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times jobs from the reactor's own events, without polling: {@code OPERATION_WRITTEN} marks a job
 * WRITE_READY and {@code OPERATIONS_READY} READ_READY (both carry the job id and are emitted once
 * the job's status moved), {@code JOB_FAILED} a failure.
 *
 * <p>A job's events may arrive before its submitter registered it (the submitting call returns
 * after the job was queued, and a fast worker can finish first), so both sides meet in one map
 * entry created by whichever comes first; the job is recorded once start, write and read are all
 * known, and its future then completes.
 *
 * <p>Concurrency: the map is concurrent and each entry is updated under its own monitor; event
 * handlers run on the reactor's threads and only take timestamps and record into wait-free
 * recorders.
 */
final class JobClock implements AutoCloseable {

  private final ConcurrentHashMap<String, Tracked> inFlight = new ConcurrentHashMap<>();
  private final Latency toWriteReady;
  private final Latency toReadReady;
  private final Subscription written;
  private final Subscription ready;
  private final Subscription failed;
  /** Events counted only while measuring, so throughput covers exactly the measured window. */
  private volatile boolean counting;
  private final AtomicLong writeReadyCount = new AtomicLong();
  private final AtomicLong readReadyCount = new AtomicLong();
  private final AtomicLong failedCount = new AtomicLong();
  private final AtomicLong writeReadyOperations = new AtomicLong();
  private final AtomicLong readReadyOperations = new AtomicLong();
  /** Every READ_READY seen, counting or not: for the progress line. */
  private final AtomicLong readReadySeen = new AtomicLong();

  JobClock(EventBus bus, Latency toWriteReady, Latency toReadReady) {
    this.toWriteReady = toWriteReady;
    this.toReadReady = toReadReady;
    written = bus.subscribe(QuireEvents.OPERATION_WRITTEN, event -> {
      long now = System.nanoTime();
      if (event.jobId() == null) {
        return;
      }
      if (counting) {
        writeReadyCount.incrementAndGet();
        writeReadyOperations.addAndGet(event.operations().size());
      }
      entry(event.jobId()).written(now);
    });
    ready = bus.subscribe(QuireEvents.OPERATIONS_READY, event -> {
      long now = System.nanoTime();
      if (event.jobId() == null) {
        return;
      }
      readReadySeen.incrementAndGet();
      if (counting) {
        readReadyCount.incrementAndGet();
        readReadyOperations.addAndGet(event.operations().size());
      }
      entry(event.jobId()).ready(now);
    });
    failed = bus.subscribe(QuireEvents.JOB_FAILED, event -> {
      if (counting) {
        failedCount.incrementAndGet();
      }
      entry(event.jobId()).failed(event.error());
    });
  }

  /**
   * Registers a submitted job.
   *
   * @param startNanos when the job was meant to start ({@link System#nanoTime()}): the intended
   *     time in open loop, the submit call in closed loop
   * @param measured whether its latencies go into the histograms (false during warm-up)
   * @return completes with the READ_READY time once the job is READ_READY (fails if the job failed)
   */
  CompletableFuture<Long> started(String jobId, long startNanos, boolean measured) {
    return entry(jobId).started(startNanos, measured);
  }

  void countFrom(boolean on) {
    counting = on;
  }

  void resetCounts() {
    writeReadyCount.set(0);
    readReadyCount.set(0);
    failedCount.set(0);
    writeReadyOperations.set(0);
    readReadyOperations.set(0);
  }

  long readReadySeen() {
    return readReadySeen.get();
  }

  long writeReadyCount() {
    return writeReadyCount.get();
  }

  long readReadyCount() {
    return readReadyCount.get();
  }

  long failedCount() {
    return failedCount.get();
  }

  long writeReadyOperations() {
    return writeReadyOperations.get();
  }

  long readReadyOperations() {
    return readReadyOperations.get();
  }

  /** Jobs whose events or registration are still outstanding. */
  int inFlight() {
    return inFlight.size();
  }

  @Override
  public void close() {
    written.unsubscribe();
    ready.unsubscribe();
    failed.unsubscribe();
  }

  private Tracked entry(String jobId) {
    return inFlight.computeIfAbsent(jobId, Tracked::new);
  }

  /** One job's timestamps; {@link #UNSET} means "not yet" (nanoTime may be any long). */
  private final class Tracked {
    private static final long UNSET = Long.MIN_VALUE;

    private final String jobId;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long start = UNSET;
    private long write = UNSET;
    private long read = UNSET;
    private boolean measured;
    private Throwable failure;
    private boolean settled;

    Tracked(String jobId) {
      this.jobId = jobId;
    }

    CompletableFuture<Long> started(long startNanos, boolean isMeasured) {
      synchronized (this) {
        start = startNanos;
        measured = isMeasured;
      }
      settle();
      return done;
    }

    void written(long now) {
      synchronized (this) {
        write = now;
      }
      settle();
    }

    void ready(long now) {
      synchronized (this) {
        read = now;
      }
      settle();
    }

    void failed(Throwable error) {
      synchronized (this) {
        failure = error != null ? error : new IllegalStateException("job " + jobId + " failed");
      }
      settle();
    }

    /** Records and completes once everything is known; the future completes outside the monitor. */
    private void settle() {
      Throwable error;
      long readAt;
      synchronized (this) {
        if (settled || start == UNSET || (failure == null && (write == UNSET || read == UNSET))) {
          return;
        }
        settled = true;
        error = failure;
        readAt = read;
        if (error == null && measured) {
          toWriteReady.record(write - start);
          toReadReady.record(read - start);
        }
      }
      inFlight.remove(jobId);
      if (error != null) {
        done.completeExceptionally(error);
      } else {
        done.complete(readAt);
      }
    }
  }
}
