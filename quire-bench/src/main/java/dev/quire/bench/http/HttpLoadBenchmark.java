package dev.quire.bench.http;

import dev.quire.bench.load.DocumentRotation;
import dev.quire.bench.load.Environment;
import dev.quire.bench.load.Latency;
import dev.quire.bench.load.LatencySummary;
import dev.quire.bench.load.LoadBenchmark;
import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.LoadDriver;
import dev.quire.bench.load.LoadFigures;
import dev.quire.bench.load.ProcessResources;
import dev.quire.bench.load.ProcessStats;
import dev.quire.bench.load.ProcessWindow;
import dev.quire.bench.load.ProgressLine;
import dev.quire.bench.load.Results;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark over HTTP, against a running {@code quire serve}: how many jobs per
 * second a client sees READ_READY, and how long it waits for each and for a read with the job's
 * token. The HTTP counterpart of {@link LoadBenchmark}, with the same loops and the same reporting.
 *
 * <p>D documents of type {@code quire/json} are created first with {@code POST /v1/documents?wait=true}
 * (not measured; ids {@code bench-http-<runId>-<i>}, a fresh run id each run so reruns against the
 * same server never collide). Each job is then one {@code POST /v1/documents/{id}/actions?wait=true}
 * of {@code batchSize} {@code SET}s, round robin over the documents in a fixed shuffled order
 * ({@link DocumentRotation}); the server answers 200 once the job is READ_READY, with the job's
 * {@code Quire-Consistency-Token}, and the client then reads the document with that token
 * ({@code GET /v1/documents/{id}}) and times the read. Any non-2xx answer, or none, is a failure:
 * counted by kind, the first one's problem JSON kept.
 *
 * <ul>
 *   <li><b>Closed loop</b>: C virtual-thread clients, each sending its next job once the previous one
 *       was read back.
 *   <li><b>Open loop</b>: one generator dispatches jobs at a fixed rate, each on its own virtual
 *       thread, whatever the latency; every latency counts from the job's <em>intended</em> start
 *       (no coordinated omission). In-flight requests are not capped: a server that falls behind
 *       gets more concurrent connections, as it would from independent users.
 * </ul>
 *
 * <p>The loops and the measured window are {@link LoadDriver}'s; this class says what one job is.
 *
 * <p>Run it through {@code quire bench http --url http://127.0.0.1:8080} (or {@code BenchMain http}).
 */
public final class HttpLoadBenchmark {

  /** Longer than the server's default wait, so its 504 answers before the client gives up. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** A job is two requests, each bounded by {@link #REQUEST_TIMEOUT}; past this something is stuck. */
  private static final Duration JOB_FINISH_TIMEOUT = REQUEST_TIMEOUT.multipliedBy(2).plusSeconds(10);
  private static final String DOCUMENT_PREFIX = "bench-http-";

  private final HttpLoadConfig config;
  private final LoadDriver driver;
  private final String runId;
  private final List<String> documentIds;
  private final Latency toReadReady = new Latency(LoadFigures.SUBMIT_TO_READ_READY);
  private final Latency readWithToken = new Latency(LoadFigures.READ_WITH_TOKEN);
  private final Latency toReadAnswered = new Latency(LoadFigures.SUBMIT_TO_READ_ANSWERED);
  /** Open loop: how late the generator dispatched each job (its own lag, already inside the others). */
  private final Latency submitLag = new Latency(LoadFigures.SUBMIT_LAG);
  private final Failures failures = new Failures();
  // The measured window's counts; reset when measuring starts.
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong readReady = new AtomicLong();
  private final AtomicLong jobsFailed = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readsFailed = new AtomicLong();
  // Every phase, for the progress line.
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong readReadySeen = new AtomicLong();
  private final ProgressLine.Rate readReadyRate = new ProgressLine.Rate();
  /** Answers are counted for throughput only while this is set: exactly the measured window. */
  private volatile boolean counting;
  private final ServerProcess server;
  private QuireApi api;

  private HttpLoadBenchmark(HttpLoadConfig config) {
    this.config = config;
    this.driver = new LoadDriver(config.mode(), config.clients(), config.ratePerSecond(), "quire-bench-http",
        JOB_FINISH_TIMEOUT);
    this.runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
        ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    this.documentIds = DocumentRotation.ids(DOCUMENT_PREFIX + runId + "-", config.documents());
    this.server = config.serverPid() == null ? null : new ServerProcess(config.serverPid());
  }

  /**
   * Runs the benchmark and, when {@link HttpLoadConfig#out()} is set, writes {@code <name>.json} and
   * {@code <name>.png} there.
   *
   * @throws IllegalStateException when a document cannot be created (the server is down, refuses
   *     the token, ...): the run needs all of them
   * @throws IllegalArgumentException when {@code serverPid} names no readable process
   */
  public static HttpLoadResult run(HttpLoadConfig config) throws IOException, InterruptedException {
    return new HttpLoadBenchmark(config).execute();
  }

  private HttpLoadResult execute() throws IOException, InterruptedException {
    Environment environment = Environment.current();
    try (QuireApi client = new QuireApi(config.url(), config.authToken(), REQUEST_TIMEOUT)) {
      api = client;
      createDocuments();
      Window window;
      try (ProgressLine progress = new ProgressLine(config.progress(), "warmup", this::status)) {
        driver.warmUp(config.warmup(), (ticket, begin) -> runJob(ticket, begin, false));
        progress.phase("measure");
        window = measure();
      }
      HttpLoadResult result = result(environment, window);
      write(result);
      return result;
    }
  }

  // ------------------------------------------------------------------------------------ phases

  /** Creates the documents with up to C concurrent requests; any failure ends the run. */
  private void createDocuments() throws InterruptedException {
    AtomicLong next = new AtomicLong();
    List<Future<?>> creators = new ArrayList<>();
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-create-", 1).factory())) {
      for (int c = 0; c < Math.min(config.clients(), documentIds.size()); c++) {
        creators.add(pool.submit(() -> {
          long i;
          while ((i = next.getAndIncrement()) < documentIds.size()) {
            String id = documentIds.get((int) i);
            QuireApi.Answer answer = api.create(id);
            if (!answer.ok()) {
              throw new IllegalStateException("creating document " + id + " at " + config.url() + " answered "
                  + answer.status() + ": " + answer.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> creator : creators) {
        try {
          creator.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          Throwable cause = e.getCause();
          throw cause instanceof IllegalStateException failed ? failed
              : new IllegalStateException("creating documents at " + config.url() + " failed: " + cause
                  + (cause instanceof java.net.ConnectException ? " (is quire serve running there?)" : ""), cause);
        }
      }
    }
  }

  /** What the measured window saw; the server's readings are null without a server pid. */
  private record Window(long startNanos, long endNanos, LoadFigures.Counts counts, ProcessResources client,
      ServerReading serverBefore, ServerReading serverAfter, Long serverPeakRss) {}

  /** The server's CPU time and system-call bytes at one moment ({@code io} null when unreadable). */
  private record ServerReading(long cpuNanos, ProcessStats.SyscallBytes io) {
    static ServerReading of(ServerProcess server) {
      return server == null ? null : new ServerReading(server.cpuNanos(), server.syscallBytes());
    }
  }

  private Window measure() throws InterruptedException {
    for (Latency metric : List.of(toReadReady, readWithToken, toReadAnswered, submitLag)) {
      metric.reset();
    }
    for (AtomicLong count : List.of(submitted, readReady, jobsFailed, reads, readsFailed)) {
      count.set(0);
    }
    failures.reset();
    ProcessWindow process = ProcessWindow.open();
    ServerReading serverBefore = ServerReading.of(server);
    ServerReading[] serverAfter = new ServerReading[1];
    counting = true;
    long start = System.nanoTime();
    // The window closes as LoadDriver says: when submissions stop, or with the last job of a count-bounded run.
    long end = driver.run(config.duration(), config.plannedJobs(), (ticket, begin) -> runJob(ticket, begin, true),
        submitLag::record, () -> {
          counting = false;
          process.close();
          serverAfter[0] = ServerReading.of(server);
        });
    LoadFigures.Counts counts = LoadFigures.Counts.readReadyOnly(submitted.get(), readReady.get(), jobsFailed.get(),
        reads.get(), readsFailed.get(), readReady.get() * config.batchSize());
    return new Window(start, end, counts, process.resources(counts.jobsReadReady()), serverBefore, serverAfter[0],
        server == null ? null : server.peakRssBytes());
  }

  // ------------------------------------------------------------------------------ per job steps

  /**
   * One job and, when it is READ_READY, its read with the job's token.
   *
   * @param beginNanos when the job was meant to start: the send in closed loop, the intended time in open loop
   */
  private void runJob(long ticket, long beginNanos, boolean measured) {
    String documentId = documentIds.get((int) (ticket % documentIds.size()));
    if (measured) {
      submitted.incrementAndGet();
    }
    started.incrementAndGet();
    try {
      QuireApi.Answer job;
      try {
        job = api.execute(documentId, ticket * config.batchSize(), config.batchSize());
      } catch (IOException e) {
        jobFailed("job " + e.getClass().getSimpleName(), e.getMessage());
        return;
      }
      long answered = System.nanoTime();
      if (!job.ok()) {
        jobFailed("job " + job.status(), job.body());
        return;
      }
      readReadySeen.incrementAndGet();
      if (counting) {
        readReady.incrementAndGet();
      }
      if (measured) {
        toReadReady.record(answered - beginNanos);
      }
      if (job.token() == null) {
        readFailed(measured, "job answered without " + QuireApi.TOKEN_HEADER, null);
        return;
      }
      readBack(documentId, job.token(), beginNanos, measured);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.incrementAndGet();
    }
  }

  private void readBack(String documentId, String token, long beginNanos, boolean measured)
      throws InterruptedException {
    long readStart = System.nanoTime();
    QuireApi.Answer read;
    try {
      read = api.read(documentId, token);
    } catch (IOException e) {
      readFailed(measured, "read " + e.getClass().getSimpleName(), e.getMessage());
      return;
    }
    long readEnd = System.nanoTime();
    if (!read.ok()) {
      readFailed(measured, "read " + read.status(), read.body());
      return;
    }
    if (measured) {
      readWithToken.record(readEnd - readStart);
      toReadAnswered.record(readEnd - beginNanos);
      reads.incrementAndGet();
    }
  }

  private void jobFailed(String kind, String detail) {
    if (counting) {
      jobsFailed.incrementAndGet();
    }
    failures.record(kind, detail);
  }

  private void readFailed(boolean measured, String kind, String detail) {
    if (measured) {
      readsFailed.incrementAndGet();
    }
    failures.record(kind, detail);
  }

  // ----------------------------------------------------------------------------------- reporting

  private ProgressLine.Status status() {
    double rate = readReadyRate.perSecond(readReadySeen.get());
    toReadReady.drainInterval();
    String text = String.format(Locale.ROOT, "jobs %,d  %,.0f jobs/s READ_READY  p99 %.2f ms  in flight %d  failed %d",
        started.get(), rate, toReadReady.lastIntervalP99() / 1e6, started.get() - finished.get(), jobsFailed.get());
    return new ProgressLine.Status(driver.progress(readReady.get()), text);
  }

  private HttpLoadResult result(Environment environment, Window window) {
    boolean open = config.mode() == LoadConfig.Mode.OPEN;
    Map<String, LatencySummary> latency = Latency.summaries(open
        ? List.of(toReadReady, readWithToken, toReadAnswered, submitLag)
        : List.of(toReadReady, readWithToken, toReadAnswered));
    HttpLoadResult.Settings settings = new HttpLoadResult.Settings(config.url().toString(), runId,
        config.documents(), config.clients(), config.mode().name().toLowerCase(Locale.ROOT),
        open ? config.ratePerSecond() : 0, config.batchSize(), config.warmup().toMillis() / 1000.0,
        config.duration() == null ? null : config.duration().toMillis() / 1000.0,
        config.duration() == null ? config.jobs() : 0, config.authToken() != null, config.serverPid());
    LoadFigures figures = LoadFigures.of(window.counts(), window.startNanos(), window.endNanos(), latency);
    HttpLoadResult.Resources resources = HttpLoadResult.Resources.of(window.client(),
        serverFigures(window, window.counts().jobsReadReady()));
    String plot = config.out() == null ? null : config.name() + ".png";
    return new HttpLoadResult("http-load", settings, environment, figures, resources, failures.byKind(),
        failures.first(), plot);
  }

  private static HttpLoadResult.Server serverFigures(Window window, long jobs) {
    ServerReading before = window.serverBefore();
    ServerReading after = window.serverAfter();
    if (before == null || after == null) {
      return HttpLoadResult.Server.NOT_MEASURED;
    }
    long cpu = after.cpuNanos() - before.cpuNanos();
    boolean io = before.io() != null && after.io() != null;
    return new HttpLoadResult.Server(Results.round(cpu / 1e9), ProcessResources.microsPerJob(cpu, jobs),
        window.serverPeakRss(),
        io ? ProcessResources.perJob(after.io().written() - before.io().written(), jobs) : null,
        io ? ProcessResources.perJob(after.io().read() - before.io().read(), jobs) : null);
  }

  private void write(HttpLoadResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("submit → READ_READY (HTTP answer)", toReadReady.total());
    series.put("read with token", readWithToken.total());
    series.put("submit → read answered", toReadAnswered.total());
    String title = String.format(Locale.ROOT, "HTTP %s, %s, %d docs, %d action(s)/job: %,.0f jobs/s READ_READY",
        config.url().getAuthority(), driver.label(), config.documents(), config.batchSize(),
        result.figures().throughput().jobsPerSecondReadReady());
    Results.writeWithPlot(config.out(), config.name(), result, title, series);
  }
}
