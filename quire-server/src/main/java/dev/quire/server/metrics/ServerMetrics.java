package dev.quire.server.metrics;

import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import dev.quire.job.JobInfo;
import dev.quire.model.OperationWithContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Prometheus metrics, fed by reactor events and by gauges read at scrape time.
 *
 * <ul>
 *   <li>{@code quire_jobs_total{state}}: jobs submitted through the API, and how many reached
 *       WRITE_READY, READ_READY or FAILED (any job's failure counts, from JOB_FAILED);
 *   <li>{@code quire_jobs_in_flight{state}}: submitted jobs not yet READ_READY or FAILED, by state
 *       ({@code pending_or_running} or {@code write_ready});
 *   <li>{@code quire_job_write_latency_seconds} and {@code quire_job_read_ready_latency_seconds}:
 *       from submission to WRITE_READY and to READ_READY (histograms);
 *   <li>{@code quire_read_model_indexing_seconds{read_model,outcome}}: one batch, from
 *       READ_MODEL_INDEXED (histogram); {@code quire_read_model_failures_total{read_model,parked}};
 *   <li>gauges registered with {@link #gauge}: read model lag, parked streams, job queue depth,
 *       coordinator chain depth, consistency waiters.
 * </ul>
 *
 * <p>Concurrency: event handlers touch only concurrent maps and Micrometer meters (thread-safe);
 * gauges are evaluated by the scraping thread.
 */
public final class ServerMetrics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerMetrics.class);
  /** Submitted jobs remembered for latency; beyond this the oldest are forgotten (no leak). */
  private static final int MAX_TRACKED_JOBS = 100_000;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Tracked> inFlight = new ConcurrentHashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final Counter submitted;
  private final Counter writeReady;
  private final Counter readReady;
  private final Counter failed;
  private final Timer writeLatency;
  private final Timer readLatency;
  /**
   * Meters looked up per request or per indexed batch, by their tags: building and registering a
   * meter each time costs an id, sorted tags and the registry's filters on the hot path.
   */
  private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
  private final Map<IndexingKey, Timer> indexingTimers = new ConcurrentHashMap<>();

  private record RequestKey(String method, String route, int status) {}

  private record IndexingKey(String readModel, boolean success) {}

  private static final class Tracked {
    final long submittedNanos;
    volatile boolean written;

    Tracked(long submittedNanos) {
      this.submittedNanos = submittedNanos;
    }
  }

  public ServerMetrics(EventBus bus) {
    submitted = jobs("submitted");
    writeReady = jobs("write_ready");
    readReady = jobs("read_ready");
    failed = jobs("failed");
    writeLatency = latency("quire.job.write.latency", "From submission to WRITE_READY");
    readLatency = latency("quire.job.read.ready.latency", "From submission to READ_READY");
    Gauge.builder("quire.jobs.in.flight", inFlight, m -> m.values().stream().filter(t -> !t.written).count())
        .tag("state", "pending_or_running")
        .description("Jobs submitted through the API and not written yet")
        .register(registry);
    Gauge.builder("quire.jobs.in.flight", inFlight, m -> m.values().stream().filter(t -> t.written).count())
        .tag("state", "write_ready")
        .description("Jobs written but not READ_READY yet")
        .register(registry);
    subscriptions.add(bus.subscribe(QuireEvents.OPERATION_WRITTEN, e -> onWritten(e.jobId())));
    subscriptions.add(bus.subscribe(QuireEvents.OPERATIONS_READY, e -> onReady(e.jobId(), e.operations())));
    subscriptions.add(bus.subscribe(QuireEvents.JOB_FAILED, e -> onFailed(e.jobId())));
    subscriptions.add(bus.subscribe(QuireEvents.READ_MODEL_INDEXED, e ->
        indexingTimers.computeIfAbsent(new IndexingKey(e.readModel(), e.success()), this::indexingTimer)
            .record(e.durationNanos(), TimeUnit.NANOSECONDS)));
    subscriptions.add(bus.subscribe(QuireEvents.READ_MODEL_FAILED, e ->
        Counter.builder("quire.read.model.failures")
            .description("Failed read model batches; parked=true when retries were exhausted")
            .tag("read_model", e.readModel())
            .tag("parked", Boolean.toString(e.parked()))
            .register(registry)
            .increment()));
  }

  /** Call when the API submitted {@code job}. */
  public void jobSubmitted(JobInfo job) {
    submitted.increment();
    if (inFlight.size() < MAX_TRACKED_JOBS) {
      inFlight.putIfAbsent(job.id(), new Tracked(System.nanoTime()));
    }
  }

  /** Registers a gauge read at scrape time; a supplier that throws reads as NaN. */
  public <T> void gauge(String name, String description, Map<String, String> tags, T source, ToDoubleFunction<T> value) {
    Gauge.Builder<T> builder = Gauge.builder(name, source, s -> {
      try {
        return value.applyAsDouble(s);
      } catch (RuntimeException e) {
        log.debug("gauge {} failed: {}", name, e.toString());
        return Double.NaN;
      }
    }).description(description);
    tags.forEach(builder::tag);
    builder.register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** HTTP request timing, by route template and status. */
  public void request(String method, String route, int status, Duration duration) {
    requestTimers.computeIfAbsent(new RequestKey(method, route, status), this::requestTimer).record(duration);
  }

  private Timer requestTimer(RequestKey key) {
    return Timer.builder("quire.http.requests")
        .description("HTTP requests by route template")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }

  private Timer indexingTimer(IndexingKey key) {
    return Timer.builder("quire.read.model.indexing")
        .description("Time one read model took to index one batch")
        .tag("read_model", key.readModel())
        .tag("outcome", key.success() ? "success" : "failure")
        .publishPercentileHistogram()
        .register(registry);
  }

  private void onWritten(String jobId) {
    Tracked tracked = jobId == null ? null : inFlight.get(jobId);
    writeReady.increment();
    if (tracked != null && !tracked.written) {
      tracked.written = true;
      writeLatency.record(System.nanoTime() - tracked.submittedNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onReady(String jobId, List<OperationWithContext> operations) {
    readReady.increment();
    Tracked tracked = jobId == null ? null : inFlight.remove(jobId);
    if (tracked != null) {
      readLatency.record(System.nanoTime() - tracked.submittedNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onFailed(String jobId) {
    failed.increment();
    if (jobId != null) {
      inFlight.remove(jobId);
    }
  }

  private Counter jobs(String state) {
    return Counter.builder("quire.jobs")
        .description("Jobs by state reached")
        .tag("state", state)
        .register(registry);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  @Override
  public void close() {
    subscriptions.forEach(Subscription::unsubscribe);
    registry.close();
  }
}
