package dev.quire.bench.load;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Offers load in closed or open loop and closes the measured window at the right moment; what one
 * job does is the caller's {@link Job}. The in-process ({@link LoadBenchmark}), HTTP and replication
 * ({@link ReplicationBenchmark}) benchmarks all run their load through it, so they share one
 * definition of a run.
 *
 * <ul>
 *   <li><b>Closed loop</b> (saturation): C clients on virtual threads, each starting its next job
 *       once its previous one finished, while the phase's time and job count last.
 *   <li><b>Open loop</b>: a generator starts job i at {@code start + i / rate}, each on its own
 *       virtual thread, whatever became of the jobs before it. The start time a job is handed is its
 *       <em>intended</em> one, so a latency counted from it charges a stall to every job that should
 *       have started during it (no coordinated omission); how late the generator itself was goes to
 *       the phase's submit-lag recorder.
 * </ul>
 *
 * <p>The window: a timed phase's throughput window closes when submissions end, at the deadline
 * itself in closed loop and after the last submission in open loop; jobs still in flight then finish
 * afterwards, so they count for latency but not for throughput. A count-bounded phase's window closes
 * once its last job finished. Either way {@code onWindowClosed} runs once, at that moment, and every
 * job has finished when {@link #run} returns.
 *
 * <p>A job that throws ends the run: no further job starts, and {@link #run} throws once the jobs
 * in flight finished.
 *
 * <p>Concurrency: one phase at a time, run from one thread; {@link #progress} may be read from any
 * thread (the progress line).
 */
public final class LoadDriver {

  /** One job, run to its end on the calling thread. */
  @FunctionalInterface
  public interface Job {

    /**
     * @param ticket the job's number, counting from 0 across every phase of this driver
     * @param startNanos when the job was meant to start ({@link System#nanoTime()}): just now in
     *     closed loop, the intended time in open loop
     * @throws Exception ends the run (see {@link LoadDriver})
     */
    void run(long ticket, long startNanos) throws Exception;
  }

  /** For phases whose submit lag is not measured (warm-up, closed loop). */
  public static final LongConsumer NO_LAG = lag -> { };

  private final LoadConfig.Mode mode;
  private final int clients;
  private final double ratePerSecond;
  private final String threadPrefix;
  private final Duration finishTimeout;
  private final AtomicLong tickets = new AtomicLong();
  // Progress only: written by the load thread, read by the progress thread.
  private volatile long phaseStartNanos;
  private volatile long phaseNanos;
  private volatile long phaseJobs = -1;

  /**
   * @param clients C of a closed loop (ignored by open loop)
   * @param ratePerSecond jobs per second of an open loop (ignored by closed loop)
   * @param threadPrefix names the client and job threads, e.g. {@code quire-bench-http}
   * @param finishTimeout how long open-loop jobs still in flight after the last submission may take
   *     before the run is declared stuck; longer than a job's own timeouts, so that theirs speak first
   */
  public LoadDriver(LoadConfig.Mode mode, int clients, double ratePerSecond, String threadPrefix,
      Duration finishTimeout) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.threadPrefix = Objects.requireNonNull(threadPrefix, "threadPrefix");
    this.finishTimeout = Objects.requireNonNull(finishTimeout, "finishTimeout");
    if (mode == LoadConfig.Mode.CLOSED && clients < 1) {
      throw new IllegalArgumentException("a closed loop needs clients >= 1, got " + clients);
    }
    if (mode == LoadConfig.Mode.OPEN && !(ratePerSecond > 0)) {
      throw new IllegalArgumentException("an open loop needs a positive rate, got " + ratePerSecond);
    }
    this.clients = clients;
    this.ratePerSecond = ratePerSecond;
  }

  /** How it offers load, for plot titles: {@code closed loop, 64 clients} or {@code open loop @ 6,100/s}. */
  public String label() {
    return mode == LoadConfig.Mode.OPEN ? String.format(Locale.ROOT, "open loop @ %,.0f/s", ratePerSecond)
        : "closed loop, " + clients + " clients";
  }

  /** A phase whose results are dropped: load for {@code duration} (none when it is zero). */
  public void warmUp(Duration duration, Job job) throws InterruptedException {
    if (!duration.isZero()) {
      run(duration, -1, job, NO_LAG, () -> { });
    }
  }

  /**
   * Offers load until {@code duration} passes or {@code jobs} jobs were started, then waits for
   * every job.
   *
   * @param duration the phase's time; null for a count-bounded phase
   * @param jobs how many jobs a count-bounded phase runs; negative for no limit
   * @param submitLag open loop: takes how late the generator started each job, in nanoseconds
   * @param onWindowClosed runs once, when the window closes (see {@link LoadDriver})
   * @return when the window closed ({@link System#nanoTime()})
   * @throws IllegalStateException when a job threw, or open-loop jobs did not finish in time
   */
  public long run(Duration duration, long jobs, Job job, LongConsumer submitLag, Runnable onWindowClosed)
      throws InterruptedException {
    if (duration == null && jobs < 0) {
      throw new IllegalArgumentException("a phase needs a duration or a job count");
    }
    long start = System.nanoTime();
    long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    phaseStartNanos = start;
    phaseNanos = duration == null ? 0 : duration.toNanos();
    phaseJobs = duration == null ? jobs : -1;
    long limit = jobs < 0 ? Long.MAX_VALUE : jobs;
    return mode == LoadConfig.Mode.CLOSED
        ? closedLoop(deadline, limit, job, onWindowClosed)
        : openLoop(start, deadline, limit, job, submitLag, onWindowClosed);
  }

  /**
   * How far the current phase has come, 1 at its end: by time in a timed phase, by {@code jobsDone}
   * out of its job count in a count-bounded one; -1 before any phase.
   */
  public double progress(long jobsDone) {
    long phase = phaseNanos;
    if (phase > 0) {
      return (double) (System.nanoTime() - phaseStartNanos) / phase;
    }
    long jobs = phaseJobs;
    return jobs > 0 ? (double) jobsDone / jobs : -1;
  }

  private long closedLoop(long deadline, long limit, Job job, Runnable onWindowClosed) throws InterruptedException {
    AtomicLong permits = new AtomicLong(limit);
    FirstFailure failure = new FirstFailure();
    long ended = Long.MAX_VALUE;
    // Virtual threads: 64 blocked clients must not cost 64 scheduled platform threads on 2 cores.
    // Closing the executor waits for every client; each job is bounded by its own timeouts.
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(threads("client"))) {
      for (int c = 0; c < clients; c++) {
        pool.execute(() -> {
          try {
            while (!failure.happened() && System.nanoTime() < deadline && permits.getAndDecrement() > 0) {
              job.run(tickets.getAndIncrement(), System.nanoTime());
            }
          } catch (Throwable e) {
            failure.record(e);
          }
        });
      }
      if (deadline != Long.MAX_VALUE) {
        // Close the window at the deadline itself, not once the last in-flight job came back.
        failure.parkUntil(deadline);
        ended = Math.min(deadline, System.nanoTime());
        onWindowClosed.run();
      }
    }
    failure.rethrow();
    if (ended == Long.MAX_VALUE) {
      ended = System.nanoTime();
      onWindowClosed.run();
    }
    return ended;
  }

  private long openLoop(long start, long deadline, long limit, Job job, LongConsumer submitLag,
      Runnable onWindowClosed) throws InterruptedException {
    double periodNanos = 1e9 / ratePerSecond;
    FirstFailure failure = new FirstFailure();
    AtomicLong inFlight = new AtomicLong();
    ExecutorService pool = Executors.newThreadPerTaskExecutor(threads("job"));
    try {
      for (long i = 0; i < limit; i++) {
        long intended = start + (long) (i * periodNanos);
        if (intended >= deadline) {
          break;
        }
        failure.parkUntil(intended);
        if (failure.happened()) {
          break;
        }
        submitLag.accept(System.nanoTime() - intended);
        long ticket = tickets.getAndIncrement();
        inFlight.incrementAndGet();
        pool.execute(() -> {
          try {
            job.run(ticket, intended);
          } catch (Throwable e) {
            failure.record(e);
          } finally {
            inFlight.decrementAndGet();
          }
        });
      }
      boolean timed = deadline != Long.MAX_VALUE;
      long ended = Math.min(deadline, System.nanoTime());
      if (timed) {
        onWindowClosed.run();
      }
      pool.shutdown();
      if (!pool.awaitTermination(finishTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(inFlight.get() + " jobs did not finish within " + finishTimeout
            + " after the last submission");
      }
      failure.rethrow();
      if (!timed) {
        ended = System.nanoTime();
        onWindowClosed.run();
      }
      return ended;
    } finally {
      pool.shutdownNow(); // a no-op once every job finished; interrupts the stuck ones otherwise
    }
  }

  private ThreadFactory threads(String role) {
    return Thread.ofVirtual().name(threadPrefix + "-" + role + "-", 1).factory();
  }

  /** The first exception a job threw; wakes the load thread so that it stops offering at once. */
  private static final class FirstFailure {
    private final Thread loadThread = Thread.currentThread();
    private final AtomicReference<Throwable> first = new AtomicReference<>();

    void record(Throwable error) {
      if (first.compareAndSet(null, error)) {
        LockSupport.unpark(loadThread);
      }
    }

    boolean happened() {
      return first.get() != null;
    }

    /** Parks the load thread until {@code deadlineNanos} or the first failure, whichever comes first. */
    void parkUntil(long deadlineNanos) throws InterruptedException {
      long wait;
      while (!happened() && (wait = deadlineNanos - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, wait);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }

    void rethrow() {
      Throwable error = first.get();
      if (error != null) {
        throw new IllegalStateException("A benchmark job failed: " + error, error);
      }
    }
  }
}
