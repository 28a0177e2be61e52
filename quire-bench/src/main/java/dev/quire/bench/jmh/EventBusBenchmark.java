package dev.quire.bench.jmh;

import dev.quire.event.EventBus;
import dev.quire.event.EventType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what does {@link EventBus#emit} cost the write path per event, as a function of the
 * number of subscribers, and how much more do async subscribers cost than sync ones when their
 * stages are already complete (the common case: a handler that did its work inline)?
 *
 * <p>Baseline: {@code emitNoSubscribers} (a map lookup and the shared completed future). The
 * subscribers do almost nothing (add to a field), so the figures are the bus's own overhead.
 *
 * <p>Command (about 1 minute with these settings):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar EventBusBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EventBusBenchmark {

  private static final AtomicLong TYPE_IDS = new AtomicLong();
  private static final CompletableFuture<Void> COMPLETED = CompletableFuture.completedFuture(null);

  /** The event payload; a record like Quire's own events. */
  public record Payload(long value) {}

  private static EventType<Payload> newType() {
    // Type names are JVM-global; a fresh one per setup keeps -f 0 runs working.
    return EventType.define("bench-" + TYPE_IDS.incrementAndGet(), Payload.class);
  }

  /** A bus whose one type has {@code subscribers} synchronous handlers. */
  @State(Scope.Thread)
  public static class SyncSubscribers {
    @Param({"1", "10"})
    public int subscribers;

    EventBus bus;
    EventType<Payload> type;
    final Payload payload = new Payload(42);
    long sink;

    @Setup
    public void setUp() {
      bus = new EventBus();
      type = newType();
      for (int i = 0; i < subscribers; i++) {
        bus.subscribe(type, e -> sink += e.value());
      }
    }
  }

  /** A bus whose one type has {@code subscribers} async handlers returning completed futures. */
  @State(Scope.Thread)
  public static class AsyncSubscribers {
    @Param({"1", "10"})
    public int subscribers;

    EventBus bus;
    EventType<Payload> type;
    final Payload payload = new Payload(42);
    long sink;

    @Setup
    public void setUp() {
      bus = new EventBus();
      type = newType();
      for (int i = 0; i < subscribers; i++) {
        bus.subscribeAsync(
            type,
            e -> {
              sink += e.value();
              return COMPLETED;
            });
      }
    }
  }

  /** A bus with no subscriber for the emitted type. */
  @State(Scope.Thread)
  public static class NoSubscribers {
    final EventBus bus = new EventBus();
    final EventType<Payload> type = newType();
    final Payload payload = new Payload(42);
  }

  @Benchmark
  public CompletableFuture<Void> emitNoSubscribers(NoSubscribers state) {
    return state.bus.emit(state.type, state.payload);
  }

  @Benchmark
  public CompletableFuture<Void> emitSync(SyncSubscribers state) {
    return state.bus.emit(state.type, state.payload);
  }

  @Benchmark
  public CompletableFuture<Void> emitAsyncCompleted(AsyncSubscribers state) {
    return state.bus.emit(state.type, state.payload);
  }
}
