package dev.quire.readmodel;

import static dev.quire.readmodel.TestOperations.op;
import static dev.quire.readmodel.TestOperations.stream;
import static dev.quire.readmodel.TestOperations.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ReadModelFailedException;
import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.QuireEvents.OperationsReady;
import dev.quire.event.QuireEvents.ReadModelFailed;
import dev.quire.event.QuireEvents.ReadModelIndexed;
import dev.quire.model.OperationWithContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failure handling: retries with backoff on the injected scheduler, parking, fail-fast waiters,
 * retry() and skip(). Read models run inline ({@code Runnable::run}) and fail synchronously, and time
 * only moves through {@link ManualScheduler}, so every step is deterministic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadModelCoordinatorFailureTest {

  private static final Duration LONG_WAIT = Duration.ofHours(1); // never reached: the clock is manual
  private static final RetryPolicy THREE_ATTEMPTS =
      new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(80), 2.0);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final EventBus bus = new EventBus();
  private final EventRecorder<OperationsReady> ready = EventRecorder.on(bus, QuireEvents.OPERATIONS_READY);
  private final EventRecorder<ReadModelFailed> failures =
      EventRecorder.on(bus, QuireEvents.READ_MODEL_FAILED);
  private final EventRecorder<ReadModelIndexed> attempts =
      EventRecorder.on(bus, QuireEvents.READ_MODEL_INDEXED);
  /** Operation ids the "flaky" model fails on until the test heals them. */
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private final TestReadModel flaky =
      TestReadModel.named("flaky", scheduler)
          .behave(
              call ->
                  call.ids().stream().anyMatch(broken::contains)
                      ? CompletableFuture.failedFuture(new IllegalStateException("boom " + call.ids()))
                      : CompletableFuture.completedFuture(null));
  private final TestReadModel healthy = TestReadModel.named("healthy", scheduler);
  private final TestReadModel post = TestReadModel.named("post", scheduler);
  private final ReadModelCoordinator coordinator =
      ReadModelCoordinator.builder(bus)
          .preReady(flaky, healthy)
          .postReady(post)
          .retryPolicy(THREE_ATTEMPTS)
          .scheduler(scheduler)
          .executor(Runnable::run)
          .build();

  {
    coordinator.start();
  }

  @AfterEach
  void close() {
    coordinator.close();
  }

  private void publish(String jobId, String... operationIds) {
    List<OperationWithContext> operations =
        Arrays.stream(operationIds)
            .map(
                id -> {
                  String[] parts = id.split("#");
                  return op(id, parts[0], Long.parseLong(parts[1]));
                })
            .toList();
    assertThat(bus.emit(QuireEvents.OPERATION_WRITTEN, written(jobId, operations))).isCompleted();
  }

  /** Publishes a batch the flaky model can never index, and runs out its attempts. */
  private void parkOn(String jobId, String operationId) {
    broken.add(operationId);
    publish(jobId, operationId);
    scheduler.advance(Duration.ofMillis(50));
    scheduler.advance(Duration.ofMillis(80));
  }

  private List<String> readyJobs() {
    return ready.all().stream().map(OperationsReady::jobId).toList();
  }

  @Test
  void failedAttempt_isRetriedWithBackoffOnTheScheduler_thenReady() {
    broken.add("doc1#0");
    publish("job-1", "doc1#0");

    assertThat(failures.all()).singleElement().satisfies(f -> {
      assertThat(f.attempt()).isEqualTo(1);
      assertThat(f.parked()).isFalse();
      assertThat(f.stream()).isEqualTo(stream("doc1"));
    });
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    assertThat(readyJobs()).isEmpty();
    assertThat(coordinator.drain()).isNotDone(); // a pending retry is in flight

    scheduler.advance(Duration.ofMillis(49));
    assertThat(failures.count()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(1)); // attempt 2 after 50 ms
    assertThat(failures.all()).extracting(ReadModelFailed::attempt).containsExactly(1, 2);

    broken.clear();
    scheduler.advance(Duration.ofMillis(79));
    assertThat(readyJobs()).isEmpty();
    scheduler.advance(Duration.ofMillis(1)); // attempt 3 after 100 ms capped to 80 ms

    assertThat(readyJobs()).containsExactly("job-1");
    assertThat(flaky.indexedIds()).containsExactly("doc1#0");
    assertThat(attempts.all().stream().filter(a -> a.readModel().equals("flaky")))
        .extracting(ReadModelIndexed::success)
        .containsExactly(false, false, true);
    assertThat(coordinator.drain()).isCompleted();
    ReadModelStatus status = coordinator.status("flaky");
    assertThat(status.parkedStreams()).isEmpty();
    assertThat(status.batchesIndexed()).isEqualTo(1);
    assertThat(status.lastError()).hasMessageContaining("boom");
  }

  @Test
  void exhaustedRetries_parkTheStream_andWaitersFailFast() throws Exception {
    CompletableFuture<Void> earlyWaiter =
        flaky.tracker().waitFor(List.of(op("doc1", 0).coordinate()), LONG_WAIT);
    broken.add("doc1#0");
    publish("job-1", "doc1#0");
    scheduler.advance(Duration.ofMillis(50));
    assertThat(earlyWaiter).isNotDone(); // retrying is not failing yet

    scheduler.advance(Duration.ofMillis(80));

    assertThat(failures.all())
        .extracting(ReadModelFailed::attempt, ReadModelFailed::parked)
        .containsExactly(
            tuple(1, false),
            tuple(2, false),
            tuple(3, true));
    assertThat(scheduler.pendingTasks()).isZero();
    assertThat(earlyWaiter).isCompletedExceptionally();
    assertThatThrownBy(earlyWaiter::join).hasCauseInstanceOf(ReadModelFailedException.class);
    CompletableFuture<Void> lateWaiter =
        flaky.tracker().waitFor(List.of(op("doc1", 0).coordinate()), LONG_WAIT);
    assertThat(lateWaiter).isCompletedExceptionally();
    assertThatThrownBy(lateWaiter::join)
        .cause()
        .isInstanceOfSatisfying(
            ReadModelFailedException.class,
            e -> {
              assertThat(e.readModel()).isEqualTo("flaky");
              assertThat(e.stream()).isEqualTo(stream("doc1"));
            });

    ReadModelStatus status = coordinator.status("flaky");
    assertThat(status.parkedStreams()).singleElement().satisfies(parked -> {
      assertThat(parked.stream()).isEqualTo(stream("doc1"));
      assertThat(parked.jobId()).isEqualTo("job-1");
      assertThat(parked.attempts()).isEqualTo(3);
      assertThat(parked.lastError()).hasMessageContaining("boom");
      assertThat(parked.since()).isEqualTo(scheduler.now());
    });
    assertThat(coordinator.drain()).isCompleted(); // parked is not in flight
    assertThat(coordinator.chainDepth()).isZero();
    assertThat(readyJobs()).isEmpty();
    assertThat(healthy.indexedIds()).containsExactly("doc1#0");
  }

  @Test
  void parkedStream_holdsOnlyItsOwnQueue_forThatReadModel() {
    parkOn("job-1", "doc1#0");

    publish("job-2", "doc1#1");
    publish("job-3", "doc2#0");

    assertThat(flaky.indexedIds()).containsExactly("doc2#0");
    assertThat(healthy.indexedIds()).containsExactly("doc1#0", "doc1#1", "doc2#0");
    assertThat(readyJobs()).containsExactly("job-3");
    assertThat(post.indexedIds()).containsExactly("doc2#0");
    assertThat(coordinator.status("healthy").parkedStreams()).isEmpty();
    assertThat(coordinator.drain()).isCompleted();
  }

  @Test
  void retry_reRunsTheParkedBatch_thenReleasesTheQueue() throws Exception {
    parkOn("job-1", "doc1#0");
    publish("job-2", "doc1#1");
    broken.clear();

    assertThat(coordinator.retry("flaky", stream("doc1"))).isTrue();

    assertThat(flaky.indexedIds()).containsExactly("doc1#0", "doc1#1");
    assertThat(readyJobs()).containsExactly("job-1", "job-2");
    assertThat(post.indexedIds()).containsExactly("doc1#0", "doc1#1");
    assertThat(coordinator.status("flaky").parkedStreams()).isEmpty();
    assertThat(coordinator.status("flaky").batchesIndexed()).isEqualTo(2);
    // The failure mark is gone: a wait for a future position waits instead of failing.
    CompletableFuture<Void> waiter = flaky.tracker().waitFor(List.of(op("doc1", 2).coordinate()), LONG_WAIT);
    assertThat(waiter).isNotDone();
    publish("job-3", "doc1#2");
    waiter.get(1, TimeUnit.SECONDS);
    assertThat(coordinator.drain()).isCompleted();
  }

  @Test
  void retry_thatFailsAgain_parksAtOnceWithoutBackoff() {
    parkOn("job-1", "doc1#0");

    assertThat(coordinator.retry("flaky", stream("doc1"))).isTrue();

    assertThat(failures.all()).last().satisfies(f -> {
      assertThat(f.attempt()).isEqualTo(4);
      assertThat(f.parked()).isTrue();
    });
    assertThat(scheduler.pendingTasks()).isZero();
    assertThat(coordinator.status("flaky").parkedStreams()).singleElement()
        .extracting(ParkedStream::attempts).isEqualTo(4);
    assertThat(flaky.tracker().waitFor(List.of(op("doc1", 0).coordinate()), LONG_WAIT))
        .isCompletedExceptionally();
    assertThat(coordinator.drain()).isCompleted();
  }

  @Test
  void retryAndSkip_whenNothingIsParked_returnFalse() {
    publish("job-1", "doc1#0");

    assertThat(coordinator.retry("flaky", stream("doc1"))).isFalse();
    assertThat(coordinator.skip("flaky", stream("doc1"))).isFalse();
    assertThatThrownBy(() -> coordinator.retry("nope", stream("doc1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> coordinator.status("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void skip_dropsTheBatch_advancesTheTracker_andReleasesTheQueue() throws Exception {
    parkOn("job-1", "doc1#0");
    publish("job-2", "doc1#1");

    assertThat(coordinator.skip("flaky", stream("doc1"))).isTrue();

    assertThat(flaky.indexedIds()).containsExactly("doc1#1");
    assertThat(flaky.tracker().getLatest(stream("doc1"))).hasValue(1);
    // Skipping declared doc1#0 indexed: waiting for it succeeds.
    flaky.tracker().waitFor(List.of(op("doc1", 0).coordinate()), LONG_WAIT).get(1, TimeUnit.SECONDS);
    assertThat(readyJobs()).containsExactly("job-1", "job-2");
    assertThat(coordinator.status("flaky").parkedStreams()).isEmpty();
    assertThat(coordinator.status("flaky").batchesIndexed()).isEqualTo(1);
    assertThat(coordinator.drain()).isCompleted();
  }

  @Test
  void skip_advancesTheTrackerEvenWithNothingQueuedBehind() throws Exception {
    parkOn("job-1", "doc1#0");

    assertThat(coordinator.skip("flaky", stream("doc1"))).isTrue();

    assertThat(flaky.tracker().getLatest(stream("doc1"))).hasValue(0);
    assertThat(readyJobs()).containsExactly("job-1");
    CompletableFuture<Void> next = flaky.tracker().waitFor(List.of(op("doc1", 1).coordinate()), LONG_WAIT);
    assertThat(next).isNotDone(); // failure mark cleared
    publish("job-2", "doc1#1");
    next.get(1, TimeUnit.SECONDS);
  }

  @Test
  void failingPostReadyModel_neverHoldsReadyBack() {
    TestReadModel failingPost =
        TestReadModel.named("failing-post", scheduler).failing(new IllegalStateException("post"));
    coordinator.addReadModel(failingPost, ReadModelStage.POST_READY);

    publish("job-1", "doc1#0");
    scheduler.advance(Duration.ofMillis(50));
    scheduler.advance(Duration.ofMillis(80));
    publish("job-2", "doc1#1");

    assertThat(readyJobs()).containsExactly("job-1", "job-2");
    assertThat(coordinator.status("failing-post").parkedStreams())
        .extracting(ParkedStream::jobId)
        .containsExactly("job-1");
    assertThat(post.indexedIds()).containsExactly("doc1#0", "doc1#1");
    assertThat(coordinator.drain()).isCompleted();
  }

  @Test
  void multiStreamBatch_parksOnEachStream_andSkipIsPerStream() throws Exception {
    StreamKey a = stream("docA");
    StreamKey b = stream("docB");
    broken.add("docA#0");
    publish("job-ab", "docA#0", "docB#0");
    scheduler.advance(Duration.ofMillis(50));
    scheduler.advance(Duration.ofMillis(80));
    assertThat(coordinator.status("flaky").parkedStreams())
        .extracting(ParkedStream::stream)
        .containsExactly(a, b);
    assertThat(failures.all().stream().filter(ReadModelFailed::parked))
        .extracting(ReadModelFailed::stream)
        .containsExactly(a, b);
    publish("job-b", "docB#1");

    // Skipping docA leaves the batch parked on docB with docB's operation only.
    assertThat(coordinator.skip("flaky", a)).isTrue();
    assertThat(flaky.tracker().getLatest(a)).hasValue(0);
    assertThat(coordinator.status("flaky").parkedStreams())
        .extracting(ParkedStream::stream)
        .containsExactly(b);
    assertThat(readyJobs()).isEmpty();

    assertThat(coordinator.retry("flaky", b)).isTrue();
    assertThat(flaky.indexedIds()).containsExactly("docB#0", "docB#1");
    assertThat(readyJobs()).containsExactly("job-ab", "job-b");
    assertThat(coordinator.status("flaky").parkedStreams()).isEmpty();
    assertThat(coordinator.drain()).isCompleted();
  }
}
