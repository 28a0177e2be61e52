package dev.quire.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quire.bench.load.Environment;
import dev.quire.bench.load.Latency;
import dev.quire.bench.load.LatencyPlot;
import dev.quire.bench.load.LatencySummary;
import dev.quire.bench.load.LoadBenchmark;
import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.ProcessStats;
import dev.quire.bench.load.ProgressLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark over HTTP, against a running {@code quire serve}: how many jobs per
 * second a client sees READ_READY, and how long it waits for each and for a read with the job's
 * token. The HTTP counterpart of {@link LoadBenchmark}, with the same loops and the same reporting.
 *
 * <p>D documents of type {@code quire/json} are created first with {@code POST /v1/documents?wait=true}
 * (not measured; ids {@code bench-http-<runId>-<i>}, a fresh run id each run so reruns against the
 * same server never collide). Each job is then one {@code POST /v1/documents/{id}/actions?wait=true}
 * of {@code batchSize} {@code SET}s, round robin over the documents; the server answers 200 once
 * the job is READ_READY, with the job's {@code Quire-Consistency-Token}, and the client then reads
 * the document with that token ({@code GET /v1/documents/{id}}) and times the read. Any non-2xx
 * answer, or none, is a failure: counted by kind, the first one's problem JSON kept.
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
 * <p>Run it through {@code quire bench http --url http://127.0.0.1:8080} (or {@code BenchMain http}).
 */
public final class HttpLoadBenchmark {

  /** Longer than the server's default wait, so its 504 answers before the client gives up. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String DOCUMENT_PREFIX = "bench-http-";

  static final String SUBMIT_TO_READ_READY = "submitToReadReady";
  static final String READ_WITH_TOKEN = "readWithToken";
  static final String SUBMIT_TO_READ_ANSWERED = "submitToReadAnswered";
  static final String SUBMIT_LAG = "submitLag";

  private final HttpLoadConfig config;
  private final String runId;
  private final List<String> documentIds;
  private final Latency toReadReady = new Latency(SUBMIT_TO_READ_READY);
  private final Latency readWithToken = new Latency(READ_WITH_TOKEN);
  private final Latency toReadAnswered = new Latency(SUBMIT_TO_READ_ANSWERED);
  /** Open loop: how late the generator dispatched each job (its own lag, already inside the others). */
  private final Latency submitLag = new Latency(SUBMIT_LAG);
  private final Failures failures = new Failures();
  private final AtomicLong tickets = new AtomicLong();
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
  /** Answers are counted for throughput only while this is set: exactly the measured window. */
  private volatile boolean counting;
  private final ServerProcess server;
  private QuireApi api;

  private HttpLoadBenchmark(HttpLoadConfig config) {
    this.config = config;
    this.runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
        ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    List<String> ids = new ArrayList<>(config.documents());
    for (int i = 0; i < config.documents(); i++) {
      ids.add(DOCUMENT_PREFIX + runId + "-" + i);
    }
    this.documentIds = List.copyOf(ids);
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
        if (!config.warmup().isZero()) {
          runPhase(config.warmup(), -1, false, () -> {});
        }
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

  /** What the measured window saw. */
  private record Window(long startNanos, long endNanos, long submitted, long readReady, long failed, long cpuNanos,
      Long serverCpuNanos, long peakHeap, long peakRss, boolean rssReset, Long serverPeakRss) {}

  private Window measure() throws InterruptedException {
    for (Latency metric : List.of(toReadReady, readWithToken, toReadAnswered, submitLag)) {
      metric.reset();
    }
    for (AtomicLong count : List.of(submitted, readReady, jobsFailed, reads, readsFailed)) {
      count.set(0);
    }
    failures.reset();
    boolean rssReset = ProcessStats.resetPeaks();
    long cpuBefore = ProcessStats.processCpuNanos();
    long serverCpuBefore = server == null ? 0 : server.cpuNanos();
    long[] cpuAtEnd = new long[2];
    Runnable closeWindow = () -> {
      counting = false;
      cpuAtEnd[0] = ProcessStats.processCpuNanos();
      cpuAtEnd[1] = server == null ? 0 : server.cpuNanos();
    };
    counting = true;
    long start = System.nanoTime();
    long end;
    if (config.duration() != null) {
      // Timed run: the throughput window closes when submissions stop; jobs still in flight then
      // finish and are measured for latency, not counted for throughput.
      end = runPhase(config.duration(), -1, true, closeWindow);
    } else {
      // Count-bounded run: the window lasts until the last job was read back; every job counts.
      runPhase(null, config.plannedJobs(), true, () -> {});
      end = System.nanoTime();
      closeWindow.run();
    }
    return new Window(start, end, submitted.get(), readReady.get(), jobsFailed.get(), cpuAtEnd[0] - cpuBefore,
        server == null ? null : cpuAtEnd[1] - serverCpuBefore, ProcessStats.peakHeapBytes(),
        ProcessStats.peakRssBytes(), rssReset, server == null ? null : server.peakRssBytes());
  }

  /**
   * Offers load until {@code duration} passes or {@code jobs} were submitted, then waits for every
   * submitted job and its read.
   *
   * @param onSubmissionsEnded runs once no more jobs will be submitted, before the wait
   * @return when submissions ended ({@link System#nanoTime()})
   */
  private long runPhase(Duration duration, long jobs, boolean measured, Runnable onSubmissionsEnded)
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

  private long closedLoop(long deadline, long limit, boolean measured, Runnable onSubmissionsEnded)
      throws InterruptedException {
    AtomicLong permits = new AtomicLong(limit);
    List<Future<?>> clients = new ArrayList<>(config.clients());
    // Virtual threads: 64 clients blocked on their answers must not cost 64 platform threads.
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-http-client-", 1).factory())) {
      for (int c = 0; c < config.clients(); c++) {
        clients.add(pool.submit(() -> {
          while (System.nanoTime() < deadline && permits.getAndDecrement() > 0) {
            runJob(tickets.getAndIncrement(), System.nanoTime(), measured);
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
      return ended;
    }
  }

  private long openLoop(long start, long deadline, long limit, boolean measured, Runnable onSubmissionsEnded) {
    double periodNanos = 1e9 / config.ratePerSecond();
    long ended;
    // Closing the executor waits for every dispatched job; each is bounded by REQUEST_TIMEOUT.
    try (ExecutorService jobs = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-http-job-", 1).factory())) {
      for (long i = 0; i < limit; i++) {
        long intended = start + (long) (i * periodNanos);
        if (intended >= deadline) {
          break;
        }
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        if (measured) {
          submitLag.record(System.nanoTime() - intended);
        }
        long ticket = tickets.getAndIncrement();
        jobs.execute(() -> runJob(ticket, intended, measured));
      }
      ended = Math.min(deadline, System.nanoTime());
      onSubmissionsEnded.run();
    }
    return ended;
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
    long now = System.nanoTime();
    long seen = readReadySeen.get();
    double rate = lastStatusNanos == 0 ? 0 : (seen - lastReadReady) * 1e9 / (now - lastStatusNanos);
    lastStatusNanos = now;
    lastReadReady = seen;
    toReadReady.drainInterval();
    long planned = config.plannedJobs();
    long phase = phaseNanos;
    double fraction = phase > 0 ? (double) (now - phaseStartNanos) / phase
        : planned > 0 ? (double) readReady.get() / planned : -1;
    String text = String.format(Locale.ROOT, "jobs %,d  %,.0f jobs/s READ_READY  p99 %.2f ms  in flight %d  failed %d",
        started.get(), rate, toReadReady.lastIntervalP99() / 1e6, started.get() - finished.get(), jobsFailed.get());
    return new ProgressLine.Status(fraction, text);
  }

  // Progress only: written by the load thread, read by the progress thread.
  private volatile long phaseStartNanos;
  private volatile long phaseNanos;
  // Confined to the progress thread.
  private long lastStatusNanos;
  private long lastReadReady;

  private HttpLoadResult result(Environment environment, Window window) {
    double seconds = Math.max(1e-9, (window.endNanos() - window.startNanos()) / 1e9);
    Map<String, LatencySummary> latency = new LinkedHashMap<>();
    for (Latency metric : List.of(toReadReady, readWithToken, toReadAnswered)) {
      latency.put(metric.name(), LatencySummary.of(metric.total()));
    }
    boolean open = config.mode() == LoadConfig.Mode.OPEN;
    if (open) {
      latency.put(submitLag.name(), LatencySummary.of(submitLag.total()));
    }
    HttpLoadResult.Settings settings = new HttpLoadResult.Settings(config.url().toString(), runId,
        config.documents(), config.clients(), config.mode().name().toLowerCase(Locale.ROOT),
        open ? config.ratePerSecond() : 0, config.batchSize(), config.warmup().toMillis() / 1000.0,
        config.duration() == null ? null : config.duration().toMillis() / 1000.0,
        config.duration() == null ? config.jobs() : 0, config.authToken() != null, config.serverPid());
    long operations = window.readReady() * config.batchSize();
    HttpLoadResult.Counts counts = new HttpLoadResult.Counts(window.submitted(), window.readReady(), window.failed(),
        reads.get(), readsFailed.get(), operations);
    HttpLoadResult.Throughput throughput = new HttpLoadResult.Throughput(round(window.submitted() / seconds),
        round(window.readReady() / seconds), round(operations / seconds));
    Long serverCpu = window.serverCpuNanos();
    HttpLoadResult.Resources resources = new HttpLoadResult.Resources(
        round(window.cpuNanos() / 1e9), perJobMicros(window.cpuNanos(), window.readReady()),
        window.peakHeap(), window.peakRss(), window.rssReset(),
        serverCpu == null ? null : round(serverCpu / 1e9),
        serverCpu == null ? null : perJobMicros(serverCpu, window.readReady()),
        window.serverPeakRss());
    String plot = config.out() == null ? null : config.name() + ".png";
    return new HttpLoadResult("http-load", settings, environment, counts, round(seconds), throughput, latency,
        resources, failures.byKind(), failures.first(), plot);
  }

  private static double perJobMicros(long cpuNanos, long jobs) {
    return jobs == 0 ? 0 : round(cpuNanos / 1e3 / jobs);
  }

  private void write(HttpLoadResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Files.createDirectories(config.out());
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("submit → READ_READY (HTTP answer)", toReadReady.total());
    series.put("read with token", readWithToken.total());
    series.put("submit → read answered", toReadAnswered.total());
    String title = String.format(Locale.ROOT, "HTTP %s, %s loop%s, %d docs, %d action(s)/job: %,.0f jobs/s READ_READY",
        config.url().getAuthority(), result.settings().mode(),
        config.mode() == LoadConfig.Mode.OPEN ? String.format(Locale.ROOT, " @ %,.0f/s", config.ratePerSecond())
            : ", " + config.clients() + " clients",
        config.documents(), config.batchSize(), result.throughput().jobsPerSecondReadReady());
    LatencyPlot.write(config.out().resolve(config.name() + ".png"), title, series);
    Path json = config.out().resolve(config.name() + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
