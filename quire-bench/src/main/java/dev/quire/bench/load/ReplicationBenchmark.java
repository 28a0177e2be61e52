package dev.quire.bench.load;

import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.event.QuireEvents;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.sync.InMemorySyncStore;
import dev.quire.sync.JdbcSyncStore;
import dev.quire.sync.RemoteFilter;
import dev.quire.sync.RemoteOptions;
import dev.quire.sync.SyncDirection;
import dev.quire.sync.SyncHttpServer;
import dev.quire.sync.SyncManager;
import dev.quire.sync.SyncStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Replication between two replicas, A and B, in one process: each has its own reactor and storage
 * and serves the sync endpoints on a loopback port ({@link SyncHttpServer}); A pushes to B (or B
 * pulls from A). Clients write on A; the benchmark reports how many operations per second become
 * readable on B (indexed by B's read models, as B's {@code OPERATIONS_READY} says) and how long a
 * write takes from its submit on A until then.
 *
 * <p>The link is real HTTP, JSON and the receiving replica's full job path (load jobs through the
 * same queue, executor and read models as local writes). What it leaves out is a network: both
 * replicas share the loopback interface and the two cores.
 */
public final class ReplicationBenchmark {

  static final String WRITE_TO_READABLE_ON_B = "writeOnAToReadableOnB";
  static final String SUBMIT_TO_READ_READY_ON_A = "submitToReadReadyOnA";
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
  private static final String DOCUMENT_PREFIX = "repl-doc-";

  private final ReplicationConfig config;
  private final Latency replication = new Latency(WRITE_TO_READABLE_ON_B);
  private final Latency local = new Latency(SUBMIT_TO_READ_READY_ON_A);
  /** Action id → (intended) submit time on A, until the operation is readable on B. */
  private final Map<String, Long> inFlight = new ConcurrentHashMap<>();
  private final Object drained = new Object();
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong replicatedInWindow = new AtomicLong();
  private final AtomicLong replicatedAfterWindow = new AtomicLong();
  private volatile int window; // 0 before or between, 1 measuring, 2 after the measured window
  private volatile CountDownLatch createdOnB;
  private final List<String> documentIds = new ArrayList<>();

  private ReplicationBenchmark(ReplicationConfig config) {
    this.config = config;
    for (int i = 0; i < config.documents(); i++) {
      documentIds.add(DOCUMENT_PREFIX + i);
    }
  }

  public static ReplicationResult run(ReplicationConfig config) throws IOException, InterruptedException {
    return new ReplicationBenchmark(config).execute();
  }

  private ReplicationResult execute() throws IOException, InterruptedException {
    Environment environment = Environment.current();
    try (BenchStorage storageA = BenchStorage.open(config.storage());
         BenchStorage storageB = BenchStorage.open(config.storage());
         Reactor a = storageA.configure(Reactor.builder()).build();
         Reactor b = storageB.configure(Reactor.builder()).build();
         SyncManager syncA = new SyncManager(a, syncStore(storageA)).start();
         SyncManager syncB = new SyncManager(b, syncStore(storageB)).start();
         SyncHttpServer httpA = SyncHttpServer.start(syncA, "127.0.0.1", 0, null);
         SyncHttpServer httpB = SyncHttpServer.start(syncB, "127.0.0.1", 0, null)) {
      b.events().subscribe(QuireEvents.OPERATIONS_READY, ready -> arrived(ready.operations()));
      RemoteOptions options = RemoteOptions.DEFAULTS.withPollInterval(config.pollInterval())
          .withBatchSize(config.batchSize());
      if (config.push()) {
        syncA.add("b", httpB.url(), RemoteFilter.ALL, options.withDirection(SyncDirection.PUSH));
      } else {
        syncB.add("a", httpA.url(), RemoteFilter.ALL, options.withDirection(SyncDirection.PULL));
      }
      createDocuments(a);
      long cpuBefore;
      long cpuAfter;
      long start;
      long end;
      long drainEnd;
      try (ProgressLine progress = new ProgressLine(config.progress(), "warmup", this::status)) {
        if (!config.warmup().isZero()) {
          offer(a, config.warmup());
          awaitDrained();
        }
        replication.reset();
        local.reset();
        submitted.set(0);
        ProcessStats.resetPeaks();
        progress.phase("measure");
        cpuBefore = ProcessStats.processCpuNanos();
        window = 1;
        start = System.nanoTime();
        offer(a, config.duration());
        end = System.nanoTime();
        window = 2;
        cpuAfter = ProcessStats.processCpuNanos();
        progress.phase("drain");
        awaitDrained();
        drainEnd = System.nanoTime();
      }
      ReplicationResult result = result(environment, (end - start) / 1e9, (drainEnd - end) / 1e9,
          cpuAfter - cpuBefore);
      write(result);
      return result;
    }
  }

  private static SyncStore syncStore(BenchStorage storage) {
    return storage.database() == null ? new InMemorySyncStore() : new JdbcSyncStore(storage.database());
  }

  private void arrived(List<OperationWithContext> operations) {
    long now = System.nanoTime();
    for (OperationWithContext operation : operations) {
      if (operation.operation().index() == 0 && operation.scope().equals("document")) {
        createdOnB.countDown();
        continue;
      }
      Long begin = inFlight.remove(operation.operation().action().id());
      if (begin == null) {
        continue;
      }
      replication.record(now - begin);
      switch (window) {
        case 1 -> replicatedInWindow.incrementAndGet();
        case 2 -> replicatedAfterWindow.incrementAndGet();
        default -> { }
      }
    }
    if (inFlight.isEmpty()) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  private void createDocuments(Reactor a) throws InterruptedException {
    createdOnB = new CountDownLatch(documentIds.size());
    for (String id : documentIds) {
      a.create(CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, id));
    }
    if (!createdOnB.await(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(createdOnB.getCount() + " documents did not reach B within " + DRAIN_TIMEOUT);
    }
  }

  private void offer(Reactor a, Duration length) throws InterruptedException {
    long deadline = System.nanoTime() + length.toNanos();
    if (config.openLoop()) {
      openLoop(a, deadline);
    } else {
      closedLoop(a, deadline);
    }
  }

  private void closedLoop(Reactor a, long deadline) throws InterruptedException {
    List<Future<?>> clients = new ArrayList<>();
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("quire-bench-writer-", 1).factory())) {
      for (int c = 0; c < config.clients(); c++) {
        clients.add(pool.submit(() -> {
          while (System.nanoTime() < deadline) {
            long begin = System.nanoTime();
            JobInfo job = submit(a, begin);
            JobInfo done = a.awaitJob(job.id(), JOB_TIMEOUT).get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (done.status() != JobStatus.READ_READY) {
              throw new IllegalStateException("Job " + done.id() + " ended " + done.status() + ": " + done.error());
            }
            local.record(System.nanoTime() - begin);
          }
          return null;
        }));
      }
      for (Future<?> client : clients) {
        try {
          client.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          throw new IllegalStateException("A writer failed: " + e.getCause(), e.getCause());
        }
      }
    }
  }

  /** Fixed arrival rate; latencies count from each job's intended start (no coordinated omission). */
  private void openLoop(Reactor a, long deadline) {
    double periodNanos = 1e9 / config.ratePerSecond();
    long start = System.nanoTime();
    for (long i = 0; ; i++) {
      long intended = start + (long) (i * periodNanos);
      if (intended >= deadline) {
        return;
      }
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      JobInfo job = submit(a, intended);
      a.awaitJob(job.id(), JOB_TIMEOUT).whenComplete((done, error) -> {
        if (error == null && done.status() == JobStatus.READ_READY) {
          local.record(System.nanoTime() - intended);
        }
      });
    }
  }

  private JobInfo submit(Reactor a, long begin) {
    long ticket = tickets.getAndIncrement();
    String actionId = "repl-" + ticket;
    Action action = new Action(actionId, JsonDocumentModel.SET, "global", Instant.now(),
        Json.object().put("path", "/counter").put("value", ticket), null);
    inFlight.put(actionId, begin);
    submitted.incrementAndGet();
    return a.execute(documentIds.get((int) (ticket % documentIds.size())), null, List.of(action));
  }

  private void awaitDrained() throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    synchronized (drained) {
      while (!inFlight.isEmpty()) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
          throw new IllegalStateException(inFlight.size() + " operations did not reach B within " + DRAIN_TIMEOUT);
        }
        drained.wait(Math.min(remaining, 100));
      }
    }
  }

  private ProgressLine.Status status() {
    String text = String.format(Locale.ROOT, "%,d written on A, %,d in flight to B, p99 A→B %.1f ms",
        submitted.get(), inFlight.size(), replication.lastIntervalP99() / 1e6);
    return new ProgressLine.Status(-1, text);
  }

  private ReplicationResult result(Environment environment, double seconds, double drainSeconds, long cpuNanos) {
    Map<String, LatencySummary> latency = new LinkedHashMap<>();
    latency.put(WRITE_TO_READABLE_ON_B, LatencySummary.of(replication.total()));
    latency.put(SUBMIT_TO_READ_READY_ON_A, LatencySummary.of(local.total()));
    ReplicationResult.Settings settings = new ReplicationResult.Settings(config.documents(), config.clients(),
        config.storage().label(), config.push() ? "push" : "pull", config.pollInterval().toMillis() / 1000.0,
        config.batchSize(), config.openLoop() ? "open" : "closed", config.ratePerSecond(),
        config.warmup().toMillis() / 1000.0, config.duration().toMillis() / 1000.0);
    return new ReplicationResult("replication", settings, environment, LoadBenchmark.round(seconds),
        submitted.get(), replicatedInWindow.get(), replicatedAfterWindow.get(), LoadBenchmark.round(drainSeconds),
        LoadBenchmark.round(submitted.get() / seconds), LoadBenchmark.round(replicatedInWindow.get() / seconds),
        drainSeconds <= 0 ? 0 : LoadBenchmark.round(replicatedAfterWindow.get() / drainSeconds),
        latency, LoadBenchmark.round(cpuNanos / 1e9), ProcessStats.peakHeapBytes(),
        config.out() == null ? null : config.name() + ".png");
  }

  private void write(ReplicationResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Files.createDirectories(config.out());
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("write on A → readable on B", replication.total());
    series.put("write on A → READ_READY on A", local.total());
    String title = String.format(Locale.ROOT, "replication %s, %s, %s: %,.0f ops/s readable on B",
        config.storage().label(), config.push() ? "push" : "pull " + config.pollInterval().toMillis() + " ms",
        config.openLoop() ? String.format(Locale.ROOT, "open loop @ %,.0f/s", config.ratePerSecond())
            : config.clients() + " writers", result.replicatedOpsPerSecond());
    LatencyPlot.write(config.out().resolve(config.name() + ".png"), title, series);
    LoadBenchmark.writeJson(config.out().resolve(config.name() + ".json"), result);
  }
}
