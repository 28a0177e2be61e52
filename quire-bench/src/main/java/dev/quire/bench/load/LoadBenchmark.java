package dev.quire.bench.load;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark, in-process: how many jobs per second reach WRITE_READY and
 * READ_READY through the {@link Reactor} facade, and how long a writer waits for each and for a
 * read with the job's token.
 *
 * <p>D documents of type {@code quire/json} are created first (not measured). Each job then applies
 * {@code batchSize} {@code SET} actions to one document's {@code global} scope; jobs go to the
 * documents round robin in a fixed shuffled order ({@link DocumentRotation}), so a count-bounded
 * run gives each document exactly M actions. Job transitions are timed from the reactor's events
 * ({@link JobClock}), never by polling; once a job is READ_READY its client reads the document with
 * the job's token and times that read.
 *
 * <ul>
 *   <li><b>Closed loop</b> (saturation): C clients, each submitting its next job once the previous
 *       one was read back. Throughput is the figure; latency is the latency under saturation.
 *   <li><b>Open loop</b>: one generator submits at a fixed rate whatever happens; each latency
 *       counts from the job's <em>intended</em> start, so a stall is charged to every job that
 *       should have started during it (no coordinated omission). Histograms are HdrHistogram.
 * </ul>
 *
 * <p>The loops and the measured window are {@link LoadDriver}'s; this class says what one job is.
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

  private final LoadConfig config;
  private final LoadDriver driver;
  private final Latency toWriteReady = new Latency(LoadFigures.SUBMIT_TO_WRITE_READY);
  private final Latency toReadReady = new Latency(LoadFigures.SUBMIT_TO_READ_READY);
  private final Latency readWithToken = new Latency(LoadFigures.READ_WITH_TOKEN);
  private final Latency toReadAnswered = new Latency(LoadFigures.SUBMIT_TO_READ_ANSWERED);
  /** Open loop: how late the generator submitted each job (its own lag, already inside the others). */
  private final Latency submitLag = new Latency(LoadFigures.SUBMIT_LAG);
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readsFailed = new AtomicLong();
  private final ProgressLine.Rate readReadyRate = new ProgressLine.Rate();
  private final List<String> documentIds;
  private Reactor reactor;
  private JobClock clock;

  private LoadBenchmark(LoadConfig config) {
    this.config = config;
    // A job is a wait for READ_READY and a read, each bounded by its own timeout; past both it is stuck.
    this.driver = new LoadDriver(config.mode(), config.clients(), config.ratePerSecond(), "quire-bench",
        JOB_TIMEOUT.plus(READ_TIMEOUT).plusSeconds(10));
    this.documentIds = DocumentRotation.ids(DOCUMENT_PREFIX, config.documents());
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
        storage.settle();
        Window window;
        try (ProgressLine progress = new ProgressLine(config.progress(), "warmup", this::status)) {
          driver.warmUp(config.warmup(), (ticket, begin) -> runJob(ticket, begin, false));
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
  private record Window(long startNanos, long endNanos, LoadFigures.Counts counts, ProcessResources resources) {}

  private Window measure() throws InterruptedException {
    for (Latency metric : List.of(toWriteReady, toReadReady, readWithToken, toReadAnswered, submitLag)) {
      metric.reset();
    }
    for (AtomicLong count : List.of(reads, readsFailed, submitted)) {
      count.set(0);
    }
    clock.resetCounts();
    ProcessWindow process = ProcessWindow.open();
    clock.countFrom(true);
    long start = System.nanoTime();
    // The window closes as LoadDriver says: when submissions stop, or with the last job of a count-bounded run.
    long end = driver.run(config.duration(), config.plannedJobs(), (ticket, begin) -> runJob(ticket, begin, true),
        submitLag::record, () -> {
          clock.countFrom(false);
          process.close();
        });
    LoadFigures.Counts counts = new LoadFigures.Counts(submitted.get(), clock.writeReadyCount(),
        clock.readReadyCount(), clock.failedCount(), reads.get(), readsFailed.get(), clock.writeReadyOperations(),
        clock.readReadyOperations());
    return new Window(start, end, counts, process.resources(counts.jobsReadReady()));
  }

  // ------------------------------------------------------------------------------ per job steps

  /**
   * One job: submitted, timed to WRITE_READY and READ_READY by the clock, then read back.
   *
   * @param begin when the job was meant to start: the submit in closed loop, the intended time in open loop
   */
  private void runJob(long ticket, long begin, boolean measured) throws InterruptedException {
    String documentId = documentIds.get((int) (ticket % documentIds.size()));
    JobInfo job = reactor.execute(documentId, null, actions(ticket));
    submitted.incrementAndGet();
    await(clock.started(job.id(), begin, measured), JOB_TIMEOUT, "job " + job.id() + " on " + job.documentId());
    readBack(job, documentId, begin, measured);
  }

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
    double rate = readReadyRate.perSecond(clock.readReadySeen());
    toReadReady.drainInterval();
    String text = String.format(Locale.ROOT, "jobs %,d  %,.0f jobs/s READ_READY  p99 %.2f ms  in flight %d",
        submitted.get(), rate, toReadReady.lastIntervalP99() / 1e6, clock.inFlight());
    return new ProgressLine.Status(driver.progress(clock.readReadyCount()), text);
  }

  private LoadResult result(Environment environment, Window window) {
    Map<String, LatencySummary> latency = Latency.summaries(config.mode() == LoadConfig.Mode.OPEN
        ? List.of(toWriteReady, toReadReady, readWithToken, toReadAnswered, submitLag)
        : List.of(toWriteReady, toReadReady, readWithToken, toReadAnswered));
    LoadResult.Settings settings = new LoadResult.Settings(
        config.documents(), config.duration() == null ? config.actionsPerDocument() : 0, config.clients(),
        config.storage().redacted(), config.mode().name().toLowerCase(Locale.ROOT),
        config.mode() == LoadConfig.Mode.OPEN ? config.ratePerSecond() : 0, config.batchSize(),
        config.warmup().toMillis() / 1000.0,
        config.duration() == null ? null : config.duration().toMillis() / 1000.0);
    LoadFigures figures = LoadFigures.of(window.counts(), window.startNanos(), window.endNanos(), latency);
    String plot = config.out() == null ? null : config.name() + ".png";
    return new LoadResult("load", settings, environment, figures, window.resources(), plot);
  }

  private void write(LoadResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("submit → WRITE_READY", toWriteReady.total());
    series.put("submit → READ_READY", toReadReady.total());
    series.put("read with token", readWithToken.total());
    String title = String.format(Locale.ROOT, "%s, %s, %d docs, %d action(s)/job: %,.0f jobs/s READ_READY",
        config.storage().label(), driver.label(), config.documents(), config.batchSize(),
        result.figures().throughput().jobsPerSecondReadReady());
    Results.writeWithPlot(config.out(), config.name(), result, title, series);
  }
}
