package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JobAwaiterTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final JobTracker tracker = new JobTracker(scheduler);
  private final JobAwaiter awaiter = new JobAwaiter(tracker, scheduler);

  private String register() {
    Job job = JobTestSupport.job("doc", JobTestSupport.set("/a", 1));
    tracker.register(job);
    return job.id();
  }

  private static ConsistencyToken token() {
    return ConsistencyToken.of(Instant.EPOCH, List.of(new ConsistencyCoordinate("doc", "global", "main", 0)));
  }

  @Test
  void await_ofATerminalJob_returnsAtOnce() {
    String id = register();
    tracker.markRunning(id);
    tracker.markFailed(id, new ErrorInfo("InvalidActionException", "bad"));

    CompletableFuture<JobInfo> future = awaiter.awaitAsync(id, Duration.ofSeconds(1));
    assertThat(future).isCompleted();
    assertThat(future.join().status()).isEqualTo(JobStatus.FAILED);
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void await_completesOnReadReady_notOnWriteReady() {
    String id = register();
    CompletableFuture<JobInfo> future = awaiter.awaitAsync(id, Duration.ofSeconds(5));
    tracker.markRunning(id);
    tracker.markWriteReady(id, token());
    assertThat(future).isNotDone();

    tracker.markReadReady(id);
    JobInfo info = future.join();
    assertThat(info.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(info.consistencyToken()).contains(token());
    assertThat(scheduler.pendingTasks()).as("the timeout timer is cancelled").isZero();
  }

  @Test
  void await_isDrivenByTheBusEvents() {
    EventBus bus = new EventBus();
    tracker.listenTo(bus);
    String id = register();
    CompletableFuture<JobInfo> future = awaiter.awaitAsync(id, Duration.ofSeconds(5));
    tracker.markRunning(id);
    tracker.markWriteReady(id, token());

    bus.emit(QuireEvents.OPERATIONS_READY, new QuireEvents.OperationsReady("someone-else", List.of()));
    assertThat(future).isNotDone();
    bus.emit(QuireEvents.OPERATIONS_READY, new QuireEvents.OperationsReady(id, List.of()));
    assertThat(future.join().status()).isEqualTo(JobStatus.READ_READY);
  }

  @Test
  void await_endsOnReadFailed() {
    EventBus bus = new EventBus();
    tracker.listenTo(bus);
    String id = register();
    CompletableFuture<JobInfo> future = awaiter.awaitAsync(id, Duration.ofSeconds(5));
    tracker.markRunning(id);
    tracker.markWriteReady(id, token());

    RuntimeException cause = new IllegalStateException("disk full");
    bus.emit(QuireEvents.READ_MODEL_FAILED,
        new QuireEvents.ReadModelFailed("my-view", id, token().coordinates().get(0).key(), cause, 1, false));
    assertThat(future).as("a failure that will be retried is not terminal").isNotDone();
    bus.emit(QuireEvents.READ_MODEL_FAILED,
        new QuireEvents.ReadModelFailed("my-view", id, token().coordinates().get(0).key(), cause, 5, true));

    JobInfo info = future.join();
    assertThat(info.status()).isEqualTo(JobStatus.READ_FAILED);
    assertThat(info.error().message()).contains("my-view", "disk full");
    assertThat(info.consistencyToken()).as("the write happened; its token stays").contains(token());
  }

  @Test
  void await_timesOutWithTheLastStatus() {
    String id = register();
    tracker.markRunning(id);
    CompletableFuture<JobInfo> future = awaiter.awaitAsync(id, Duration.ofSeconds(2));

    scheduler.advance(Duration.ofMillis(1999));
    assertThat(future).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::join).hasCauseInstanceOf(JobWaitTimeoutException.class);
    JobWaitTimeoutException timeout = (JobWaitTimeoutException) catchCause(future);
    assertThat(timeout.jobId()).isEqualTo(id);
    assertThat(timeout.lastStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(timeout.waited()).isEqualTo(Duration.ofSeconds(2));
    // The job finishing later does not disturb the expired waiter.
    tracker.markFailed(id, new ErrorInfo("X", "late"));
  }

  @Test
  void blockingAwait_throwsTheTypedTimeout() throws Exception {
    RecordingScheduler recording = new RecordingScheduler();
    JobTracker tracker = new JobTracker(recording);
    JobAwaiter awaiter = new JobAwaiter(tracker, recording);
    Job job = JobTestSupport.job("doc", JobTestSupport.set("/a", 1));
    tracker.register(job);
    CompletableFuture<JobInfo> blocked =
        CompletableFuture.supplyAsync(() -> awaiter.await(job.id(), Duration.ofSeconds(1)));
    // Once the waiter has armed its timer, expire it.
    assertThat(recording.nextScheduled()).isEqualTo(Duration.ofSeconds(1));
    recording.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(JobWaitTimeoutException.class);
  }

  @Test
  void await_ofAnUnknownJob_failsTyped() {
    assertThatThrownBy(() -> awaiter.awaitAsync("nope", Duration.ofSeconds(1)).join())
        .hasCauseInstanceOf(UnknownJobException.class);
    assertThatThrownBy(() -> awaiter.await("nope", Duration.ofSeconds(1)))
        .isInstanceOf(UnknownJobException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void twoWaiters_onOneJob_bothComplete() {
    String id = register();
    CompletableFuture<JobInfo> first = awaiter.awaitAsync(id, Duration.ofSeconds(5));
    CompletableFuture<JobInfo> second = awaiter.awaitAsync(id, Duration.ofSeconds(5));
    tracker.markRunning(id);
    tracker.markFailed(id, new ErrorInfo("X", "boom"));
    assertThat(first.join()).isEqualTo(second.join());
  }

  private static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.join();
      throw new AssertionError("expected failure");
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    }
  }
}
