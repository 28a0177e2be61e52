package dev.quire.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.view.ViewFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark, in-process: how many jobs per second reach WRITE_READY and
 * READ_READY through the {@link Reactor} facade, and how long a writer waits for each and for a
 * read with the job's token.
 *
 * <p>D documents of type {@code quire/json} are created first (not measured). Each job then applies
 * {@code batchSize} {@code SET} actions to one document's {@code global} scope; jobs go to the
 * documents round robin, so a count-bounded run gives each document exactly M actions. Job
 * transitions are timed from the reactor's events ({@link JobClock}), never by polling; once a job
 * is READ_READY its client reads the document with the job's token and times that read.
 *
 * <ul>
 *   <li><b>Closed loop</b> (saturation): C clients, each submitting its next job once the previous
 *       one was read back. Throughput is the figure; latency is the latency under saturation.
 *   <li><b>Open loop</b>: one generator submits at a fixed rate whatever happens; each latency
 *       counts from the job's <em>intended</em> start, so a stall is charged to every job that
 *       should have started during it (no coordinated omission). Histograms are HdrHistogram.
 * </ul>
 *
 * <p>Run it through {@code dev.quire.bench.BenchMain load} (see {@code docs/benchmarks.md}); a
 * 1,000-document, 64-client, 30 s run takes about 40 s including set-up and warm-up.
 */
public final class LoadBenchmark {

  /** How long one job or read may take before the run is declared stuck. */
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  private static final String DOCUMENT_PREFIX = "bench-doc-";

  static final String SUBMIT_TO_WRITE_READY = "submitToWriteReady";
  static final String SUBMIT_TO_READ_READY = "submitToReadReady";
  static final String READ_WITH_TOKEN = "readWithToken";
  static final String SUBMIT_TO_READ_ANSWERED = "submitToReadAnswered";
  static final String SUBMIT_LAG = "submitLag";

  private final LoadConfig config;
  private final Latency toWriteReady = new Latency(SUBMIT_TO_WRITE_READY);
  private final Latency toReadReady = new Latency(SUBMIT_TO_READ_READY);
  private final Latency readWithToken = new Latency(READ_WITH_TOKEN);
  private final Latency toReadAnswered = new Latency(SUBMIT_TO_READ_ANSWERED);
  /** Open loop: how late the generator submitted each job (its own lag, already inside the others). */
  private final Latency submitLag = new Latency(SUBMIT_LAG);
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readsFailed = new AtomicLong();
  private final List<String> documentIds;
  private Reactor reactor;
  private JobClock clock;

  private LoadBenchmark(LoadConfig config) {
    this.config = config;
    List<String> ids = new ArrayList<>(config.documents());
    for (int i = 0; i < config.documents(); i++) {
      ids.add(DOCUMENT_PREFIX + i);
    }
    this.documentIds = List.copyOf(ids);
  }

  /**
   * Runs the benchmark and, when {@link LoadConfig#out()} is set, writes {@code <name>.json} and
   * {@code <name>.png} there.
   *
   * @throws IllegalStateException when a job fails to finish within a minute (the engine is stuck)
   */
  public static LoadResult run(LoadConfig config) throws IOException, InterruptedException {
    return new LoadBenchmark(config).execute();
  }

  private LoadResult execute() throws IOException, InterruptedException {
    Environment environment = Environment.current();
    try (BenchStorage storage = BenchStorage.open(config.storage())) {
      try (Reactor built = storage.configure(Reactor.builder()).defaultReadTimeout(READ_TIMEOUT).build();
           JobClock jobClock = new JobClock(built.events(), toWriteReady, toReadReady)) {
        reactor = built;
        clock = jobClock;
        createDocuments();
        Window window;
        try (ProgressLine progress = new ProgressLine(config.progress(), "warmup", this::status)) {
          if (!config.warmup().isZero()) {
            runPhase(config.warmup(), -1, false);
          }
          progress.phase("measure");
          window = measure();
        }
        LoadResult result = result(environment, window);
        write(result);
        return result;
      }
    }
  }

  // ------------------------------------------------------------------------------------ phases

  private void createDocuments() throws InterruptedException {
    List<CompletableFuture<Long>> created = new ArrayList<>(documentIds.size());
    for (String id : documentIds) {
      JobInfo job = reactor.create(CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, id));
      created.add(clock.started(job.id(), System.nanoTime(), false));
    }
    await(CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)), SETUP_TIMEOUT, "creating documents");
  }

  /** What the measured window saw. */
  private record Window(long startNanos, long endNanos, long submitted, long writeReady, long readReady, long failed,
      long writeReadyOps, long readReadyOps, long cpuNanos, long peakHeap, long peakRss, boolean rssReset) {}

  private Window measure() throws InterruptedException {
    toWriteReady.reset();
    toReadReady.reset();
    readWithToken.reset();
    toReadAnswered.reset();
    submitLag.reset();
    reads.set(0);
    readsFailed.set(0);
    submitted.set(0);
    clock.resetCounts();
    boolean rssReset = ProcessStats.resetPeaks();
    long cpuBefore = ProcessStats.processCpuNanos();
    clock.countFrom(true);
    long start = System.nanoTime();
    if (config.duration() != null) {
      // Timed run: the throughput window closes when submissions stop; jobs still in flight then
      // finish and are measured for latency, not counted for throughput.
      long[] cpuAtEnd = new long[1];
      PhaseEnd end = runPhase(config.duration(), -1, true, () -> {
        clock.countFrom(false);
        cpuAtEnd[0] = ProcessStats.processCpuNanos();
      });
      long cpuAfter = cpuAtEnd[0];
      return new Window(start, end.submissionsEndedNanos(), submitted.get(), clock.writeReadyCount(),
          clock.readReadyCount(), clock.failedCount(), clock.writeReadyOperations(), clock.readReadyOperations(),
          cpuAfter - cpuBefore, ProcessStats.peakHeapBytes(), ProcessStats.peakRssBytes(), rssReset);
    }
    // Count-bounded run: the window lasts until the last job was read back; every job counts.
    runPhase(null, config.plannedJobs(), true, () -> {});
    long end = System.nanoTime();
    clock.countFrom(false);
    long cpuAfter = ProcessStats.processCpuNanos();
    return new Window(start, end, submitted.get(), clock.writeReadyCount(), clock.readReadyCount(),
        clock.failedCount(), clock.writeReadyOperations(), clock.readReadyOperations(), cpuAfter - cpuBefore,
        ProcessStats.peakHeapBytes(), ProcessStats.peakRssBytes(), rssReset);
  }

  private record PhaseEnd(long submissionsEndedNanos) {}

  private PhaseEnd runPhase(Duration duration, long jobs, boolean measured) throws InterruptedException {
    return runPhase(duration, jobs, measured, () -> {});
  }

  /**
   * Offers load until {@code duration} passes or {@code jobs} were submitted, then waits for every
   * submitted job and its read.
   *
   * @param onSubmissionsEnded runs once no more jobs will be submitted, before the wait
   */
  private PhaseEnd runPhase(Duration duration, long jobs, boolean measured, Runnable onSubmissionsEnded)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    phaseStartNanos = start;
    phaseNanos = duration == null ? 0 : duration.toNanos();
    long limit = jobs < 0 ? Long.MAX_VALUE : jobs;
    return config.mode() == LoadConfig.Mode.CLOSED
        ? closedLoop(deadline, limit, measured, onSubmissionsEnded)
        : openLoop(start, deadline, limit, measured, onSubmissionsEnded);
  }

  private PhaseEnd closedLoop(long deadline, long limit, boolean measured, Runnable onSubmissionsEnded)
      throws InterruptedException {
    AtomicLong permits = new AtomicLong(limit);
    List<Future<?>> clients = new ArrayList<>(config.clients());
    // Virtual threads: 64 blocked clients must not cost 64 scheduled platform threads on 2 cores.
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-client-", 1).factory())) {
      for (int c = 0; c < config.clients(); c++) {
        clients.add(pool.submit(() -> {
          while (System.nanoTime() < deadline && permits.getAndDecrement() > 0) {
            long ticket = tickets.getAndIncrement();
            String documentId = documentIds.get((int) (ticket % documentIds.size()));
            long begin = System.nanoTime();
            JobInfo job = reactor.execute(documentId, null, actions(ticket));
            submitted.incrementAndGet();
            CompletableFuture<Long> ready = clock.started(job.id(), begin, measured);
            awaitJob(ready, job);
            readBack(job, documentId, begin, measured);
          }
          return null;
        }));
      }
      long ended = Long.MAX_VALUE;
      if (deadline != Long.MAX_VALUE) {
        // Close the window at the deadline itself, not once the last in-flight job came back.
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        ended = deadline;
        onSubmissionsEnded.run();
      }
      for (Future<?> client : clients) {
        try {
          client.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          throw new IllegalStateException("A benchmark client failed: " + e.getCause(), e.getCause());
        }
      }
      if (ended == Long.MAX_VALUE) {
        ended = System.nanoTime();
        onSubmissionsEnded.run();
      }
      return new PhaseEnd(ended);
    }
  }

  private PhaseEnd openLoop(long start, long deadline, long limit, boolean measured, Runnable onSubmissionsEnded)
      throws InterruptedException {
    double periodNanos = 1e9 / config.ratePerSecond();
    Outstanding outstanding = new Outstanding();
    long ended;
    try (ExecutorService readers = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-reader-", 1).factory())) {
      for (long i = 0; i < limit; i++) {
        long intended = start + (long) (i * periodNanos);
        if (intended >= deadline) {
          break;
        }
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        long ticket = tickets.getAndIncrement();
        String documentId = documentIds.get((int) (ticket % documentIds.size()));
        if (measured) {
          submitLag.record(System.nanoTime() - intended);
        }
        JobInfo job = reactor.execute(documentId, null, actions(ticket));
        submitted.incrementAndGet();
        outstanding.increment();
        clock.started(job.id(), intended, measured)
            .thenRunAsync(() -> readBack(job, documentId, intended, measured), readers)
            .whenComplete((ignored, error) -> {
              if (error != null) {
                readsFailed.incrementAndGet();
              }
              outstanding.decrement();
            });
      }
      ended = Math.min(deadline, System.nanoTime());
      onSubmissionsEnded.run();
      if (!outstanding.awaitZero(JOB_TIMEOUT)) {
        throw new IllegalStateException(outstanding.count() + " jobs did not finish within " + JOB_TIMEOUT
            + " after the last submission");
      }
    }
    return new PhaseEnd(ended);
  }

  // ------------------------------------------------------------------------------ per job steps

  /** {@code batchSize} SET actions; the value makes every action distinct. */
  private List<Action> actions(long ticket) {
    List<Action> actions = new ArrayList<>(config.batchSize());
    for (int a = 0; a < config.batchSize(); a++) {
      ObjectNode input = Json.object();
      input.put("path", "/n");
      input.put("value", ticket * config.batchSize() + a);
      actions.add(Action.of(JsonDocumentModel.SET, Scopes.GLOBAL, input));
    }
    return actions;
  }

  private static void awaitJob(CompletableFuture<Long> ready, JobInfo job) throws InterruptedException {
    await(ready, JOB_TIMEOUT, "job " + job.id() + " on " + job.documentId());
  }

  /** Reads the document with the job's token (it is READ_READY, so the token is there). */
  private void readBack(JobInfo job, String documentId, long begin, boolean measured) {
    ConsistencyToken token = reactor.job(job.id()).flatMap(JobInfo::consistencyToken)
        .orElseThrow(() -> new IllegalStateException("job " + job.id() + " is READ_READY without a token"));
    long readStart = System.nanoTime();
    try {
      reactor.get(documentId, ViewFilter.MAIN, ReadOptions.after(token)).get(READ_TIMEOUT.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      readsFailed.incrementAndGet();
      return;
    } catch (ExecutionException | TimeoutException e) {
      readsFailed.incrementAndGet();
      return;
    }
    long readEnd = System.nanoTime();
    if (measured) {
      readWithToken.record(readEnd - readStart);
      toReadAnswered.record(readEnd - begin);
      reads.incrementAndGet();
    }
  }

  private static void await(CompletableFuture<?> future, Duration timeout, String what) throws InterruptedException {
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s", e);
    }
  }

  // ----------------------------------------------------------------------------------- reporting

  private ProgressLine.Status status() {
    long now = System.nanoTime();
    long seen = clock.readReadySeen();
    double rate = lastStatusNanos == 0 ? 0 : (seen - lastReadReady) * 1e9 / (now - lastStatusNanos);
    lastStatusNanos = now;
    lastReadReady = seen;
    long readReady = clock.readReadyCount();
    toReadReady.drainInterval();
    long planned = config.plannedJobs();
    long phase = phaseNanos;
    double fraction = phase > 0 ? (double) (now - phaseStartNanos) / phase
        : planned > 0 ? (double) readReady / planned : -1;
    String text = String.format(Locale.ROOT, "jobs %,d  %,.0f jobs/s READ_READY  p99 %.2f ms  in flight %d",
        submitted.get(), rate, toReadReady.lastIntervalP99() / 1e6, clock.inFlight());
    return new ProgressLine.Status(fraction, text);
  }

  // Progress only: written by the load thread, read by the progress thread.
  private volatile long phaseStartNanos;
  private volatile long phaseNanos;
  // Confined to the progress thread.
  private long lastStatusNanos;
  private long lastReadReady;

  private LoadResult result(Environment environment, Window window) {
    double seconds = Math.max(1e-9, (window.endNanos() - window.startNanos()) / 1e9);
    Map<String, LatencySummary> latency = new LinkedHashMap<>();
    for (Latency metric : metrics()) {
      latency.put(metric.name(), LatencySummary.of(metric.total()));
    }
    if (config.mode() == LoadConfig.Mode.OPEN) {
      latency.put(submitLag.name(), LatencySummary.of(submitLag.total()));
    }
    LoadResult.Settings settings = new LoadResult.Settings(
        config.documents(), config.duration() == null ? config.actionsPerDocument() : 0, config.clients(),
        config.storage().redacted(), config.mode().name().toLowerCase(Locale.ROOT),
        config.mode() == LoadConfig.Mode.OPEN ? config.ratePerSecond() : 0, config.batchSize(),
        config.warmup().toMillis() / 1000.0,
        config.duration() == null ? null : config.duration().toMillis() / 1000.0);
    LoadResult.Counts counts = new LoadResult.Counts(window.submitted(), window.writeReady(), window.readReady(),
        window.failed(), reads.get(), readsFailed.get(), window.writeReadyOps(), window.readReadyOps());
    LoadResult.Throughput throughput = new LoadResult.Throughput(
        round(window.submitted() / seconds),
        round(window.writeReady() / seconds),
        round(window.readReady() / seconds),
        round(window.writeReadyOps() / seconds),
        round(window.readReadyOps() / seconds));
    LoadResult.Resources resources = new LoadResult.Resources(
        round(window.cpuNanos() / 1e9),
        window.readReady() == 0 ? 0 : round(window.cpuNanos() / 1e3 / window.readReady()),
        window.peakHeap(), window.peakRss(), window.rssReset());
    String plot = config.out() == null ? null : config.name() + ".png";
    return new LoadResult("load", settings, environment, counts, round(seconds), throughput, latency, resources, plot);
  }

  private List<Latency> metrics() {
    return List.of(toWriteReady, toReadReady, readWithToken, toReadAnswered);
  }

  private void write(LoadResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Files.createDirectories(config.out());
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("submit → WRITE_READY", toWriteReady.total());
    series.put("submit → READ_READY", toReadReady.total());
    series.put("read with token", readWithToken.total());
    String title = String.format(Locale.ROOT, "%s, %s loop%s, %d docs, %d action(s)/job: %,.0f jobs/s READ_READY",
        config.storage().label(), result.settings().mode(),
        config.mode() == LoadConfig.Mode.OPEN ? String.format(Locale.ROOT, " @ %,.0f/s", config.ratePerSecond())
            : ", " + config.clients() + " clients",
        config.documents(), config.batchSize(), result.throughput().jobsPerSecondReadReady());
    LatencyPlot.write(config.out().resolve(config.name() + ".png"), title, series);
    writeJson(config.out().resolve(config.name() + ".json"), result);
  }

  static void writeJson(Path file, Object result) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** Counts open-loop jobs not yet read back; the generator waits for zero at the end. */
  private static final class Outstanding {
    private long count;

    synchronized void increment() {
      count++;
    }

    synchronized void decrement() {
      if (--count == 0) {
        notifyAll();
      }
    }

    synchronized long count() {
      return count;
    }

    /** Deadline loop: recomputes the remaining time after every wake-up. */
    synchronized boolean awaitZero(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, remaining);
      }
      return true;
    }
  }
}
