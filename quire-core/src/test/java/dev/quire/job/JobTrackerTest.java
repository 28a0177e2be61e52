package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobTrackerTest {

  private final ManualScheduler scheduler = new ManualScheduler();

  private static String register(JobTracker tracker) {
    Job job = JobTestSupport.job("doc", JobTestSupport.set("/a", 1));
    tracker.register(job);
    return job.id();
  }

  /** A job that failed once with a transient error and is running its second attempt. */
  private static String runningAfterOneRetry(JobTracker tracker) {
    String id = register(tracker);
    tracker.markRunning(id);
    tracker.recordRetry(id, new IllegalStateException("transient"));
    tracker.markRunning(id);
    return id;
  }

  /** A job that ran once and FAILED: finished. */
  private static String failed(JobTracker tracker) {
    String id = register(tracker);
    tracker.markRunning(id);
    tracker.markFailed(id, new ErrorInfo("X", "x"));
    return id;
  }

  @Test
  void lifecycle_pendingRunningWriteReadyReadReady() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = register(tracker);
    assertThat(tracker.get(id).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    assertThat(tracker.get(id).orElseThrow().consistencyToken()).as("no token before WRITE_READY").isEmpty();

    tracker.markRunning(id);
    assertThat(tracker.get(id).orElseThrow().attempts()).isEqualTo(1);
    assertThat(tracker.get(id).orElseThrow().consistencyToken()).isEmpty();

    tracker.markWriteReady(id, ConsistencyToken.empty());
    tracker.markReadReady(id);
    JobInfo info = tracker.get(id).orElseThrow();
    assertThat(info.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(info.completedAt()).isEqualTo(scheduler.now());
  }

  @Test
  void anIdAlreadyHeld_liveOrFinished_isRefused() {
    JobTracker tracker = new JobTracker(scheduler);
    Job live = JobTestSupport.job("doc", JobTestSupport.set("/a", 1));
    tracker.register(live);
    String finished = failed(tracker);

    for (String id : List.of(live.id(), finished)) {
      Job again = new Job(id, live.kind(), live.documentId(), live.branch(), live.actions(), live.dependencies(),
          live.meta(), live.createdAt());
      assertThatThrownBy(() -> tracker.register(again))
          .isInstanceOf(InvalidJobException.class)
          .hasMessageContaining("Duplicate job id");
    }
  }

  @Test
  void lateOrOutOfOrderTransitions_areIgnored() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = register(tracker);
    tracker.markReadReady(id); // not WRITE_READY yet
    assertThat(tracker.get(id).orElseThrow().status()).isEqualTo(JobStatus.PENDING);

    tracker.markRunning(id);
    tracker.markWriteReady(id, ConsistencyToken.empty());
    tracker.markReadReady(id);
    tracker.markReadFailed(id, new ErrorInfo("X", "late")); // a post-ready failure after READY
    tracker.markFailed(id, new ErrorInfo("X", "late"));
    assertThat(tracker.get(id).orElseThrow().status()).isEqualTo(JobStatus.READ_READY);
  }

  @Test
  void readFailed_canStillBecomeReadReadyAfterARetry() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = register(tracker);
    tracker.markRunning(id);
    tracker.markWriteReady(id, ConsistencyToken.empty());
    tracker.markReadFailed(id, new ErrorInfo("ReadModelFailedException", "parked"));
    assertThat(tracker.get(id).orElseThrow().status()).isEqualTo(JobStatus.READ_FAILED);

    tracker.markReadReady(id);
    JobInfo info = tracker.get(id).orElseThrow();
    assertThat(info.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(info.error()).isNull();
    assertThat(info.errorHistory()).hasSize(1);
  }

  @Test
  void failed_clearsNothingButHasNoToken() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = runningAfterOneRetry(tracker);
    tracker.markFailed(id, new ErrorInfo("IllegalStateException", "again"));
    JobInfo info = tracker.get(id).orElseThrow();
    assertThat(info.status()).isEqualTo(JobStatus.FAILED);
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(info.errorHistory()).extracting(ErrorInfo::message).containsExactly("transient", "again");
    assertThat(info.consistencyToken()).isEmpty();
  }

  @Test
  void finishedJobs_areEvictedBeyondTheCountBound_liveOnesNever() {
    JobTracker tracker = new JobTracker(scheduler, 2, Duration.ofHours(1));
    String live = register(tracker);
    String[] done = new String[3];
    for (int i = 0; i < 3; i++) {
      done[i] = failed(tracker);
    }
    assertThat(tracker.get(done[0])).isEmpty();
    assertThat(tracker.get(done[1])).isPresent();
    assertThat(tracker.get(done[2])).isPresent();
    assertThat(tracker.get(live)).isPresent();
  }

  @Test
  void finishedJobs_areEvictedAfterTheRetention() {
    JobTracker tracker = new JobTracker(scheduler, 100, Duration.ofMinutes(10));
    String old = failed(tracker);
    scheduler.advance(Duration.ofMinutes(11));

    String recent = failed(tracker);
    assertThat(tracker.get(old)).isEmpty();
    assertThat(tracker.get(recent)).isPresent();
  }

  @Test
  void aFinishedJob_readsBackExactlyWhatItFinishedWith() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = runningAfterOneRetry(tracker);
    ConsistencyToken token =
        ConsistencyToken.of(scheduler.now(), List.of(new ConsistencyCoordinate("doc", "global", "main", 7)));
    tracker.markWriteReady(id, token);
    JobInfo beforeTerminal = tracker.get(id).orElseThrow();
    scheduler.advance(Duration.ofMillis(1234));

    tracker.markReadReady(id);

    JobInfo done = tracker.get(id).orElseThrow();
    assertThat(done).isEqualTo(new JobInfo(id, "doc", JobStatus.READ_READY, beforeTerminal.createdAt(),
        scheduler.now(), null, beforeTerminal.errorHistory(), Optional.of(token), 2));
    assertThat(done.errorHistory()).hasSize(1);
  }

  @Test
  void aReadFailedJob_thatBecomesReadReady_staysFinishedAndCountsOnce() {
    JobTracker tracker = new JobTracker(scheduler, 1, Duration.ofHours(1));
    String id = register(tracker);
    tracker.markRunning(id);
    tracker.markWriteReady(id, ConsistencyToken.empty());
    tracker.markReadFailed(id, new ErrorInfo("X", "parked"));

    tracker.markReadReady(id);

    assertThat(tracker.get(id).orElseThrow().status()).isEqualTo(JobStatus.READ_READY);
    assertThat(tracker.get(id).orElseThrow().error()).isNull();
    String next = failed(tracker);
    assertThat(tracker.get(id)).as("one finished job kept: the older one goes").isEmpty();
  }

  @Test
  void onTerminal_ofAFinishedJob_callsAtOnce() {
    JobTracker tracker = new JobTracker(scheduler);
    String id = failed(tracker);
    List<JobStatus> seen = new ArrayList<>();

    tracker.onTerminal(id, info -> seen.add(info.status()));

    assertThat(seen).containsExactly(JobStatus.FAILED);
  }

  /** Listeners registered while other threads finish the jobs: each is called once, with the terminal info. */
  @Test
  void onTerminal_racingTheLastTransition_callsEachListenerExactlyOnce() throws Exception {
    JobTracker tracker = new JobTracker(scheduler, 100, Duration.ofHours(1));
    int jobs = 5_000;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      String id = register(tracker);
      tracker.markRunning(id);
      tracker.markWriteReady(id, ConsistencyToken.empty());
      ids.add(id);
    }
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    CountDownLatch called = new CountDownLatch(jobs);
    CountDownLatch start = new CountDownLatch(1);
    Thread finisher = Thread.ofPlatform().start(() -> {
      awaitQuietly(start);
      ids.forEach(tracker::markReadReady);
    });
    Thread listener = Thread.ofPlatform().start(() -> {
      awaitQuietly(start);
      for (String id : ids) {
        try {
          tracker.onTerminal(id, info -> {
            assertThat(info.status()).isEqualTo(JobStatus.READ_READY);
            calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            called.countDown();
          });
        } catch (UnknownJobException e) {
          called.countDown(); // finished and already evicted (only 100 kept): nothing to call
        }
      }
    });
    start.countDown();
    assertThat(called.await(30, TimeUnit.SECONDS)).isTrue();
    finisher.join();
    listener.join();
    assertThat(calls.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(tracker.size()).isEqualTo(100);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
