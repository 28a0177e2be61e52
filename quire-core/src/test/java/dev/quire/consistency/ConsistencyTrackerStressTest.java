package dev.quire.consistency;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.concurrent.Cancellation;
import dev.quire.concurrent.ManualScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Updates, waits and cancellations racing on 8 threads. Lost wake-ups are detected without extra
 * updates: once the threads stop, every wait whose coordinates the final state meets must already
 * be done, and exactly the other waits must still be registered.
 */
@Timeout(60)
class ConsistencyTrackerStressTest {

  private static final int THREADS = 8;
  private static final int KEYS = 40;
  private static final int OPS_PER_THREAD = 4_000;
  private static final long MAX_INDEX = 200;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  record Recorded(List<ConsistencyCoordinate> coordinates, CompletableFuture<Void> future, boolean cancellable) {}

  @RepeatedTest(3)
  void racingUpdatesAndWaits_loseNoWakeUpAndLeakNoWaiter() throws Exception {
    ConsistencyTracker tracker = new ConsistencyTracker("stress", new ManualScheduler());
    List<StreamKey> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add(StreamKey.of("doc" + i, i % 2 == 0 ? "global" : "local", "main"));
    }
    List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(
          pool.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                List<Cancellation> mine = new ArrayList<>();
                start.await(10, SECONDS);
                for (int op = 0; op < OPS_PER_THREAD; op++) {
                  int roll = random.nextInt(10);
                  if (roll < 5) {
                    List<ConsistencyCoordinate> batch = new ArrayList<>();
                    for (int n = random.nextInt(1, 4); n > 0; n--) {
                      batch.add(ConsistencyCoordinate.of(keys.get(random.nextInt(KEYS)), random.nextLong(MAX_INDEX)));
                    }
                    tracker.update(batch);
                  } else if (roll < 9) {
                    List<ConsistencyCoordinate> wanted = new ArrayList<>();
                    for (int n = random.nextInt(1, 4); n > 0; n--) {
                      wanted.add(ConsistencyCoordinate.of(keys.get(random.nextInt(KEYS)), random.nextLong(MAX_INDEX)));
                    }
                    boolean cancellable = random.nextInt(4) == 0;
                    Cancellation cancellation = cancellable ? Cancellation.create() : null;
                    if (cancellable) {
                      mine.add(cancellation);
                    }
                    recorded.add(new Recorded(wanted, tracker.waitFor(wanted, null, cancellation), cancellable));
                  } else if (!mine.isEmpty()) {
                    mine.remove(random.nextInt(mine.size())).cancel();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get(30, SECONDS);
    }

    long stillWaiting = 0;
    for (Recorded r : recorded) {
      boolean met = r.coordinates().stream()
          .allMatch(c -> tracker.getLatest(c.key()).orElse(-1) >= c.operationIndex());
      if (met) {
        assertThat(r.future()).as("lost wake-up for %s", r.coordinates()).isDone();
      }
      if (!r.future().isDone()) {
        stillWaiting++;
      }
      if (r.future().isCompletedExceptionally()) {
        assertThat(r.cancellable()).as("only cancellable waits may fail").isTrue();
        assertThat(r.future().handle((v, e) -> WaitOutcome.of(e)).join()).isEqualTo(WaitOutcome.ABORTED);
      }
    }
    assertThat(tracker.waiterCount()).isEqualTo(stillWaiting);

    List<ConsistencyCoordinate> everything = new ArrayList<>();
    keys.forEach(k -> everything.add(ConsistencyCoordinate.of(k, MAX_INDEX)));
    tracker.update(everything);

    CompletableFuture.allOf(
            recorded.stream().map(r -> r.future().exceptionally(e -> null)).toArray(CompletableFuture[]::new))
        .get(10, SECONDS);
    assertThat(tracker.waiterCount()).isZero();
  }

  /** The narrowest race: one waitFor and the update that satisfies it, released together. */
  @Test
  void waitAndSatisfyingUpdateReleasedTogether_alwaysComplete() throws Exception {
    StreamKey key = StreamKey.of("doc", "global", "main");
    for (int round = 0; round < 2_000; round++) {
      ConsistencyTracker tracker = new ConsistencyTracker("race", new ManualScheduler());
      CyclicBarrier barrier = new CyclicBarrier(2);
      Future<CompletableFuture<Void>> waiter =
          pool.submit(() -> {
            barrier.await(5, SECONDS);
            return tracker.waitFor(List.of(ConsistencyCoordinate.of(key, 1)), null);
          });
      Future<?> updater =
          pool.submit(() -> {
            barrier.await(5, SECONDS);
            tracker.update(List.of(ConsistencyCoordinate.of(key, 1)));
            return null;
          });
      updater.get(5, SECONDS);
      waiter.get(5, SECONDS).get(5, SECONDS);
      assertThat(tracker.waiterCount()).isZero();
    }
  }

  /** markFailed racing with waits: every wait ends, none stays registered, none hangs. */
  @Test
  void markFailedRacingWithWaits_leavesNoWaiter() throws Exception {
    ConsistencyTracker tracker = new ConsistencyTracker("fail-race", new ManualScheduler());
    StreamKey key = StreamKey.of("doc", "global", "main");
    List<CompletableFuture<Void>> waits = Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      workers.add(pool.submit(() -> {
        start.await(5, SECONDS);
        for (int i = 0; i < 2_000; i++) {
          waits.add(tracker.waitFor(List.of(ConsistencyCoordinate.of(key, 1_000_000)), null));
        }
        return null;
      }));
    }
    workers.add(pool.submit(() -> {
      start.await(5, SECONDS);
      for (int i = 0; i < 200; i++) {
        tracker.markFailed(key, "rm", new RuntimeException("boom " + i));
        tracker.clearFailure(key);
      }
      tracker.markFailed(key, "rm", new RuntimeException("final"));
      return null;
    }));
    for (Future<?> worker : workers) {
      worker.get(30, SECONDS);
    }
    for (CompletableFuture<Void> wait : waits) {
      assertThat(wait).isCompletedExceptionally();
      assertThat(wait.handle((v, e) -> WaitOutcome.of(e)).join()).isEqualTo(WaitOutcome.READ_MODEL_FAILED);
    }
    assertThat(tracker.waiterCount()).isZero();
  }

}
