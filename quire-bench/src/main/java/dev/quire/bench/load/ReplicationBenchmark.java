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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>The writers on A (closed or open loop) and the measured window are {@link LoadDriver}'s, as in
 * {@link LoadBenchmark}: the window closes when submissions end, and operations of the window that
 * reach B after it are counted apart and drained before the run ends.
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
  /** Signalled whenever {@link #inFlight} becomes empty. */
  private final ReentrantLock drainLock = new ReentrantLock();
  private final Condition drained = drainLock.newCondition();
  private final LoadDriver driver;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong replicatedInWindow = new AtomicLong();
  private final AtomicLong replicatedAfterWindow = new AtomicLong();
  private volatile int window; // 0 before or between, 1 measuring, 2 after the measured window
  private volatile CountDownLatch createdOnB;
  private final List<String> documentIds = new ArrayList<>();

  private ReplicationBenchmark(ReplicationConfig config) {
    this.config = config;
    this.driver = new LoadDriver(config.openLoop() ? LoadConfig.Mode.OPEN : LoadConfig.Mode.CLOSED, config.clients(),
        config.ratePerSecond(), "quire-bench-sync", JOB_TIMEOUT.plusSeconds(10));
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
      LoadDriver.Job writer = (ticket, begin) -> writeOnA(a, ticket, begin);
      ProcessWindow process;
      long start;
      long end;
      long drainEnd;
      try (ProgressLine progress = new ProgressLine(config.progress(), "warmup", this::status)) {
        driver.warmUp(config.warmup(), writer);
        awaitDrained();
        replication.reset();
        local.reset();
        submitted.set(0);
        process = ProcessWindow.open();
        progress.phase("measure");
        window = 1;
        start = System.nanoTime();
        end = driver.run(config.duration(), -1, writer, LoadDriver.NO_LAG, () -> {
          window = 2;
          process.close();
        });
        progress.phase("drain");
        awaitDrained();
        drainEnd = System.nanoTime();
      }
      ReplicationResult result = result(environment, (end - start) / 1e9, (drainEnd - end) / 1e9,
          process.resources(submitted.get()));
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
      drainLock.lock();
      try {
        drained.signalAll();
      } finally {
        drainLock.unlock();
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

  /** One write on A, awaited to READ_READY there (timed); {@link #arrived} times it on B. */
  private void writeOnA(Reactor a, long ticket, long begin) throws Exception {
    String actionId = "repl-" + ticket;
    Action action = new Action(actionId, JsonDocumentModel.SET, "global", Instant.now(),
        Json.object().put("path", "/counter").put("value", ticket), null);
    inFlight.put(actionId, begin);
    submitted.incrementAndGet();
    JobInfo job = a.execute(documentIds.get((int) (ticket % documentIds.size())), null, List.of(action));
    JobInfo done = a.awaitJob(job.id(), JOB_TIMEOUT).get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (done.status() != JobStatus.READ_READY) {
      throw new IllegalStateException("Job " + done.id() + " ended " + done.status() + ": " + done.error());
    }
    local.record(System.nanoTime() - begin);
  }

  /** Waits until B has every operation written on A, signalled by {@link #arrived}. */
  private void awaitDrained() throws InterruptedException {
    long remaining = DRAIN_TIMEOUT.toNanos();
    drainLock.lock();
    try {
      while (!inFlight.isEmpty()) {
        if (remaining <= 0) {
          throw new IllegalStateException(inFlight.size() + " operations did not reach B within " + DRAIN_TIMEOUT);
        }
        remaining = drained.awaitNanos(remaining);
      }
    } finally {
      drainLock.unlock();
    }
  }

  private ProgressLine.Status status() {
    String text = String.format(Locale.ROOT, "%,d written on A, %,d in flight to B, p99 A→B %.1f ms",
        submitted.get(), inFlight.size(), replication.lastIntervalP99() / 1e6);
    return new ProgressLine.Status(-1, text);
  }

  private ReplicationResult result(Environment environment, double seconds, double drainSeconds,
      ProcessResources resources) {
    Map<String, LatencySummary> latency = Latency.summaries(List.of(replication, local));
    ReplicationResult.Settings settings = new ReplicationResult.Settings(config.documents(), config.clients(),
        config.storage().label(), config.push() ? "push" : "pull", config.pollInterval().toMillis() / 1000.0,
        config.batchSize(), config.openLoop() ? "open" : "closed", config.ratePerSecond(),
        config.warmup().toMillis() / 1000.0, config.duration().toMillis() / 1000.0);
    return new ReplicationResult("replication", settings, environment, Results.round(seconds),
        submitted.get(), replicatedInWindow.get(), replicatedAfterWindow.get(), Results.round(drainSeconds),
        Results.round(submitted.get() / seconds), Results.round(replicatedInWindow.get() / seconds),
        drainSeconds <= 0 ? 0 : Results.round(replicatedAfterWindow.get() / drainSeconds),
        latency, resources.cpuSeconds(), resources.peakHeapBytes(),
        config.out() == null ? null : config.name() + ".png");
  }

  private void write(ReplicationResult result) throws IOException {
    if (config.out() == null) {
      return;
    }
    Map<String, Histogram> series = new LinkedHashMap<>();
    series.put("write on A → readable on B", replication.total());
    series.put("write on A → READ_READY on A", local.total());
    String title = String.format(Locale.ROOT, "replication %s, %s, %s: %,.0f ops/s readable on B",
        config.storage().label(), config.push() ? "push" : "pull " + config.pollInterval().toMillis() + " ms",
        config.openLoop() ? String.format(Locale.ROOT, "open loop @ %,.0f/s", config.ratePerSecond())
            : config.clients() + " writers", result.replicatedOpsPerSecond());
    Results.writeWithPlot(config.out(), config.name(), result, title, series);
  }
}
