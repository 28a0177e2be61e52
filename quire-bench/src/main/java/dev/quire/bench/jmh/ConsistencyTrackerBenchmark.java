package dev.quire.bench.jmh;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Questions: what does {@link ConsistencyTracker#update} cost an indexer per committed batch when
 * nobody waits (the hot path: it must stay a map write), and when it wakes 1, 10 or 1000 waiters?
 * What does a read with an already-satisfied token pay in {@link ConsistencyTracker#waitFor}, and
 * what does a full wait-then-update round trip cost, with and without a timeout timer?
 *
 * <ul>
 *   <li>{@code updateNoWaiters}: one coordinate, index advancing every call, no waiter.
 *   <li>{@code updateSatisfyingWaiters}: the waiters (no timeout) are registered in an
 *       invocation-level setup that JMH does not time; the measured call is the one update that
 *       completes them all. Invocation-level setup adds timestamping overhead (tens of ns) to each
 *       call, so the {@code waiters=1} figure is an upper bound; compare it with {@code roundTrip}.
 *   <li>{@code waitForAlreadySatisfied}: the token's index is long reached; no waiter is created.
 *   <li>{@code roundTrip}: {@code waitFor} on the next index (pending), then the {@code update}
 *       that completes it. {@code timed=true} passes a 5 s timeout, so a timer is scheduled on the
 *       system scheduler and cancelled when the wait completes.
 * </ul>
 *
 * <p>Command (about 2 minutes with these settings):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar ConsistencyTrackerBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ConsistencyTrackerBenchmark {

  private static final StreamKey KEY = StreamKey.of("doc-1", "global", "main");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A tracker with one stream and no waiters; each update advances the stream by one. */
  @State(Scope.Thread)
  public static class Advancing {
    ConsistencyTracker tracker;
    long next;

    @Setup(Level.Trial)
    public void setUp() {
      tracker = new ConsistencyTracker("bench");
      next = 0;
    }

    List<ConsistencyCoordinate> nextCoordinates() {
      return List.of(ConsistencyCoordinate.of(KEY, next++));
    }
  }

  /** Before every call, {@code waiters} waits for the stream's next index are registered. */
  @State(Scope.Thread)
  public static class Waiting {
    @Param({"1", "10", "1000"})
    public int waiters;

    ConsistencyTracker tracker;
    long next;
    List<ConsistencyCoordinate> update;
    final List<CompletableFuture<Void>> pending = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUpTracker() {
      tracker = new ConsistencyTracker("bench");
      next = 0;
    }

    @Setup(Level.Invocation)
    public void registerWaiters() {
      update = List.of(ConsistencyCoordinate.of(KEY, next++));
      pending.clear();
      for (int i = 0; i < waiters; i++) {
        pending.add(tracker.waitFor(update, null));
      }
    }

    @TearDown(Level.Invocation)
    public void checkSatisfied() {
      for (CompletableFuture<Void> future : pending) {
        if (!future.isDone()) {
          throw new IllegalStateException("update left a waiter pending");
        }
      }
    }
  }

  /** A stream far ahead of the token the reader holds. */
  @State(Scope.Thread)
  public static class Satisfied {
    ConsistencyTracker tracker;
    final List<ConsistencyCoordinate> token = List.of(ConsistencyCoordinate.of(KEY, 5));

    @Setup(Level.Trial)
    public void setUp() {
      tracker = new ConsistencyTracker("bench");
      tracker.update(List.of(ConsistencyCoordinate.of(KEY, 1_000_000)));
    }
  }

  /** A tracker for wait-then-update round trips, with or without a timeout timer. */
  @State(Scope.Thread)
  public static class RoundTrip {
    @Param({"false", "true"})
    public boolean timed;

    ConsistencyTracker tracker;
    long next;

    @Setup(Level.Trial)
    public void setUp() {
      tracker = new ConsistencyTracker("bench");
      next = 0;
    }
  }

  @Benchmark
  public ConsistencyTracker updateNoWaiters(Advancing state) {
    state.tracker.update(state.nextCoordinates());
    return state.tracker;
  }

  @Benchmark
  public ConsistencyTracker updateSatisfyingWaiters(Waiting state) {
    state.tracker.update(state.update);
    return state.tracker;
  }

  @Benchmark
  public CompletableFuture<Void> waitForAlreadySatisfied(Satisfied state) {
    return state.tracker.waitFor(state.token, TIMEOUT);
  }

  @Benchmark
  public CompletableFuture<Void> roundTrip(RoundTrip state) {
    List<ConsistencyCoordinate> coordinates = List.of(ConsistencyCoordinate.of(KEY, state.next++));
    CompletableFuture<Void> wait = state.tracker.waitFor(coordinates, state.timed ? TIMEOUT : null);
    state.tracker.update(coordinates);
    if (!wait.isDone()) {
      throw new IllegalStateException("update did not complete the wait");
    }
    return wait;
  }
}
