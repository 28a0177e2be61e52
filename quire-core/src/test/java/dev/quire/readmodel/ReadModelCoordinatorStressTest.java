package dev.quire.readmodel;

import static dev.quire.readmodel.TestOperations.op;
import static dev.quire.readmodel.TestOperations.stream;
import static dev.quire.readmodel.TestOperations.written;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.QuireEvents.ReadModelFailed;
import dev.quire.model.OperationWithContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many writer threads emit OPERATION_WRITTEN for random streams (some batches spanning two
 * streams) while read models complete on other threads, some attempts fail, and streams get parked,
 * retried and skipped. Every read model must see each stream's operations exactly once, in index
 * order, never two batches of one stream at a time; READY must follow each batch once, in order per
 * stream; drain must complete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadModelCoordinatorStressTest {

  private static final int WRITERS = 4;
  private static final int BATCHES_PER_WRITER = 2_500;
  private static final int STREAMS = 24;

  private final EventBus bus = new EventBus();
  private final ExecutorService completions = Executors.newFixedThreadPool(2);
  private final ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 1);
  private final Map<StreamKey, List<Long>> readyOrder = new ConcurrentHashMap<>();
  private final Set<String> readyJobs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger readyCount = new AtomicInteger();
  private final Map<String, Map<StreamKey, List<Long>>> seen = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> overlaps = new ConcurrentHashMap<>();
  /** Every operation written, by job, for working out what a skip dropped. */
  private final Map<String, List<OperationWithContext>> operationsByJob = new ConcurrentHashMap<>();
  private final long[] nextIndex = new long[STREAMS];

  {
    bus.subscribe(
        QuireEvents.OPERATIONS_READY,
        event -> {
          readyCount.incrementAndGet();
          readyJobs.add(event.jobId());
          record(readyOrder, event.operations());
        });
  }

  @AfterEach
  void shutdown() {
    threads.shutdownNow();
    completions.shutdownNow();
  }

  @Test
  void concurrentWriters_everyReadModelSeesEachStreamInOrderExactlyOnce() throws Exception {
    List<TestReadModel> models =
        List.of(
            model("inline", null, transientFailures()),
            model("async", completions, transientFailures()),
            model("post", completions, call -> false));
    ReadModelCoordinator coordinator =
        ReadModelCoordinator.builder(bus)
            .preReady(models.get(0), models.get(1))
            .postReady(models.get(2))
            .retryPolicy(new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(2), 2.0))
            .build();
    coordinator.start();

    writeConcurrently(ops -> {});
    coordinator.drain().get(30, TimeUnit.SECONDS);

    int total = WRITERS * BATCHES_PER_WRITER;
    assertThat(readyCount.get()).isEqualTo(total);
    assertThat(readyJobs).hasSize(total);
    assertThat(coordinator.chainDepth()).isZero();
    for (TestReadModel model : models) {
      assertSawEveryStreamInOrder(model, Map.of());
      ReadModelStatus status = coordinator.status(model.name());
      assertThat(status.parkedStreams()).isEmpty();
      assertThat(status.batchesIndexed()).isEqualTo(total);
    }
    assertReadyInOrderPerStream();
    coordinator.close();
  }

  @Test
  void parkRetryAndSkip_underLoad_keepEveryStreamInOrder() throws Exception {
    Set<String> poisoned = ConcurrentHashMap.newKeySet();
    TestReadModel fragile =
        model("fragile", completions, call -> call.ids().stream().anyMatch(poisoned::contains));
    TestReadModel steady = model("steady", null, call -> false);
    TestReadModel post = model("post", completions, call -> false);
    ReadModelCoordinator coordinator =
        ReadModelCoordinator.builder(bus)
            .preReady(fragile, steady)
            .postReady(post)
            .retryPolicy(RetryPolicy.none())
            .build();
    coordinator.start();
    Map<StreamKey, Set<Long>> skipped = new ConcurrentHashMap<>();
    AtomicInteger retried = new AtomicInteger();
    LinkedBlockingQueue<ReadModelFailed> parkings = new LinkedBlockingQueue<>();
    ReadModelFailed endOfWrites =
        new ReadModelFailed("none", "end", stream("none"), null, 0, true);
    bus.subscribe(
        QuireEvents.READ_MODEL_FAILED,
        event -> {
          if (event.parked()) {
            parkings.add(event);
          }
        });
    // An operator thread reacts to every park while writes go on: heal and retry, or skip.
    Future<?> operator =
        threads.submit(
            () -> {
              ThreadLocalRandom random = ThreadLocalRandom.current();
              for (ReadModelFailed parked = parkings.take();
                  parked != endOfWrites;
                  parked = parkings.take()) {
                if (random.nextBoolean()) {
                  healAndRetry(coordinator, parked.stream(), parked.jobId(), poisoned, retried);
                } else {
                  skip(coordinator, parked.stream(), parked.jobId(), skipped);
                }
              }
              return null;
            });

    writeConcurrently(
        ops -> {
          if (ThreadLocalRandom.current().nextInt(100) == 0) {
            poisoned.add(ops.get(0).operation().id());
          }
        });
    parkings.add(endOfWrites);
    operator.get(30, TimeUnit.SECONDS);
    // Skip what is still parked; a skip can release batches that park in turn. When the writes
    // finished before any park reached the operator, the first one left is retried here instead,
    // so the run always exercises a retry (it did not, now and then, on a fast machine).
    coordinator.drain().get(30, TimeUnit.SECONDS);
    for (List<ParkedStream> left = coordinator.status("fragile").parkedStreams();
        !left.isEmpty();
        left = coordinator.status("fragile").parkedStreams()) {
      for (ParkedStream parked : left) {
        if (retried.get() == 0) {
          healAndRetry(coordinator, parked.stream(), parked.jobId(), poisoned, retried);
        } else {
          skip(coordinator, parked.stream(), parked.jobId(), skipped);
        }
      }
      coordinator.drain().get(30, TimeUnit.SECONDS);
    }

    int total = WRITERS * BATCHES_PER_WRITER;
    assertThat(coordinator.status("fragile").parkedStreams()).isEmpty();
    assertThat(readyCount.get()).isEqualTo(total);
    assertThat(readyJobs).hasSize(total);
    assertThat(coordinator.chainDepth()).isZero();
    assertSawEveryStreamInOrder(fragile, skipped);
    assertSawEveryStreamInOrder(steady, Map.of());
    assertSawEveryStreamInOrder(post, Map.of());
    assertReadyInOrderPerStream();
    assertThat(skipped).isNotEmpty();
    assertThat(retried.get()).isPositive();
    coordinator.close();
  }

  /** Takes the poison out of {@code jobId}'s operations and retries its parked stream. */
  private void healAndRetry(ReadModelCoordinator coordinator, StreamKey stream, String jobId, Set<String> poisoned,
      AtomicInteger retried) {
    for (OperationWithContext op : operationsByJob.get(jobId)) {
      poisoned.remove(op.operation().id());
    }
    if (coordinator.retry("fragile", stream)) {
      retried.incrementAndGet();
    }
  }

  private void skip(
      ReadModelCoordinator coordinator,
      StreamKey stream,
      String jobId,
      Map<StreamKey, Set<Long>> skipped) {
    if (coordinator.skip("fragile", stream)) {
      operationsByJob.get(jobId).stream()
          .filter(op -> op.key().equals(stream))
          .forEach(
              op ->
                  skipped
                      .computeIfAbsent(stream, k -> ConcurrentHashMap.newKeySet())
                      .add(op.operation().index()));
    }
  }

  /**
   * Runs the writers: each batch touches one random stream (one or two operations), or one in ten
   * also touches a second stream. Like the job queue, one writer per stream at a time.
   */
  private void writeConcurrently(Consumer<List<OperationWithContext>> beforeEmit) throws Exception {
    Object[] streamLocks = new Object[STREAMS];
    for (int i = 0; i < STREAMS; i++) {
      streamLocks[i] = new Object();
    }
    CyclicBarrier start = new CyclicBarrier(WRITERS);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      running.add(
          threads.submit(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < BATCHES_PER_WRITER; i++) {
                  int first = random.nextInt(STREAMS);
                  int second = random.nextInt(10) == 0 ? random.nextInt(STREAMS) : first;
                  int low = Math.min(first, second);
                  int high = Math.max(first, second);
                  String jobId = "w" + writer + "-" + i;
                  synchronized (streamLocks[low]) { // locks in a fixed order: no deadlock
                    synchronized (streamLocks[high]) {
                      List<OperationWithContext> ops = new ArrayList<>();
                      ops.add(op("doc" + low, nextIndex[low]++));
                      if (random.nextBoolean()) {
                        ops.add(op("doc" + low, nextIndex[low]++));
                      }
                      if (high != low) {
                        ops.add(op("doc" + high, nextIndex[high]++));
                      }
                      operationsByJob.put(jobId, ops);
                      beforeEmit.accept(ops);
                      bus.emit(QuireEvents.OPERATION_WRITTEN, written(jobId, ops));
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> writer : running) {
      writer.get(30, TimeUnit.SECONDS);
    }
  }

  private void assertSawEveryStreamInOrder(TestReadModel model, Map<StreamKey, Set<Long>> skipped) {
    for (int s = 0; s < STREAMS; s++) {
      StreamKey key = stream("doc" + s);
      Set<Long> dropped = skipped.getOrDefault(key, new HashSet<>());
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < nextIndex[s]; i++) {
        if (!dropped.contains(i)) {
          expected.add(i);
        }
      }
      assertThat(seen.get(model.name()).getOrDefault(key, List.of()))
          .as("%s on %s", model.name(), key)
          .isEqualTo(expected);
      if (nextIndex[s] > 0) {
        assertThat(model.tracker().getLatest(key)).hasValue(nextIndex[s] - 1);
      }
    }
    assertThat(overlaps.get(model.name())).as("overlapping batches in %s", model.name()).hasValue(0);
  }

  private void assertReadyInOrderPerStream() {
    for (int s = 0; s < STREAMS; s++) {
      StreamKey key = stream("doc" + s);
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < nextIndex[s]; i++) {
        expected.add(i);
      }
      assertThat(readyOrder.getOrDefault(key, List.of())).as("READY on %s", key).isEqualTo(expected);
    }
  }

  /** Fails the first attempt of every 50th batch once; the retry must then index it once. */
  private static Predicate<TestReadModel.Call> transientFailures() {
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    return call -> {
      String first = call.ids().get(0);
      return first.hashCode() % 50 == 0 && failedOnce.add(first);
    };
  }

  /**
   * A model that records what it indexes per stream, detects two batches of one stream running at
   * once, optionally completes on another thread, and fails the calls {@code fails} picks.
   */
  private TestReadModel model(
      String name, ExecutorService completeOn, Predicate<TestReadModel.Call> fails) {
    Map<StreamKey, AtomicInteger> busy = new ConcurrentHashMap<>();
    AtomicInteger overlap = new AtomicInteger();
    overlaps.put(name, overlap);
    Map<StreamKey, List<Long>> seenHere = new ConcurrentHashMap<>();
    seen.put(name, seenHere);
    return TestReadModel.named(name)
        .withoutCallLog()
        .behave(
            call -> {
              List<StreamKey> keys =
                  call.operations.stream().map(OperationWithContext::key).distinct().toList();
              for (StreamKey key : keys) {
                if (busy.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() != 1) {
                  overlap.incrementAndGet();
                }
              }
              if (fails.test(call)) {
                keys.forEach(key -> busy.get(key).decrementAndGet());
                return CompletableFuture.failedFuture(
                    new IllegalStateException("failing " + call.ids()));
              }
              Runnable finish =
                  () -> {
                    record(seenHere, call.operations);
                    keys.forEach(key -> busy.get(key).decrementAndGet());
                  };
              if (completeOn == null) {
                finish.run();
                return CompletableFuture.completedFuture(null);
              }
              return CompletableFuture.runAsync(finish, completeOn);
            });
  }

  private static void record(Map<StreamKey, List<Long>> into, List<OperationWithContext> operations) {
    Map<StreamKey, List<Long>> perStream = new HashMap<>();
    for (OperationWithContext op : operations) {
      perStream.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op.operation().index());
    }
    perStream.forEach(
        (key, indexes) -> {
          List<Long> list = into.computeIfAbsent(key, k -> new ArrayList<>());
          synchronized (list) {
            list.addAll(indexes);
          }
        });
  }
}
