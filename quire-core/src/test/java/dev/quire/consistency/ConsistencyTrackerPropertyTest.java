package dev.quire.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.concurrent.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random interleavings of updates, waits, clock advances and hydrates against a plain model: after
 * every step a wait has completed iff all its coordinates were reached before its deadline, timed
 * out iff its deadline passed first, and no finished wait is left registered.
 */
class ConsistencyTrackerPropertyTest {

  private static final List<StreamKey> KEYS =
      List.of(
          StreamKey.of("a", "global", "main"),
          StreamKey.of("a", "local", "main"),
          StreamKey.of("b", "global", "main"),
          StreamKey.of("b", "global", "feature"));

  sealed interface Step permits Update, Wait, Advance, Hydrate {}

  record Update(List<ConsistencyCoordinate> coordinates) implements Step {}

  /** timeoutMillis < 0 means no timeout. */
  record Wait(List<ConsistencyCoordinate> coordinates, long timeoutMillis) implements Step {}

  record Advance(long millis) implements Step {}

  record Hydrate(List<TrackerEntry> entries) implements Step {}

  enum State {
    PENDING,
    SATISFIED,
    TIMED_OUT
  }

  static final class ModelWait {
    final Map<StreamKey, Long> required = new HashMap<>();
    final Long deadline;
    final CompletableFuture<Void> future;
    State state = State.PENDING;

    ModelWait(List<ConsistencyCoordinate> coordinates, Long deadline, CompletableFuture<Void> future) {
      coordinates.forEach(c -> required.merge(c.key(), c.operationIndex(), Math::max));
      this.deadline = deadline;
      this.future = future;
    }

    boolean metBy(Map<StreamKey, Long> latest) {
      return required.entrySet().stream()
          .allMatch(e -> latest.containsKey(e.getKey()) && latest.get(e.getKey()) >= e.getValue());
    }
  }

  @Property(tries = 300)
  void waitsEndExactlyAsTheModelSays(@ForAll("steps") List<Step> steps) {
    ManualScheduler scheduler = new ManualScheduler();
    ConsistencyTracker tracker = new ConsistencyTracker("prop", scheduler);
    Map<StreamKey, Long> latest = new HashMap<>();
    List<ModelWait> waits = new ArrayList<>();
    long now = 0;

    for (Step step : steps) {
      switch (step) {
        case Update u -> {
          tracker.update(u.coordinates());
          u.coordinates().forEach(c -> latest.merge(c.key(), c.operationIndex(), Math::max));
          settle(waits, latest);
        }
        case Hydrate h -> {
          tracker.hydrate(h.entries());
          latest.clear();
          h.entries().forEach(e -> latest.merge(e.key(), e.index(), Math::max));
          settle(waits, latest);
        }
        case Advance a -> {
          scheduler.advance(Duration.ofMillis(a.millis()));
          now += a.millis();
          for (ModelWait w : waits) {
            if (w.state == State.PENDING && w.deadline != null && w.deadline <= now) {
              w.state = State.TIMED_OUT;
            }
          }
        }
        case Wait w -> {
          Duration timeout = w.timeoutMillis() < 0 ? null : Duration.ofMillis(w.timeoutMillis());
          CompletableFuture<Void> future = tracker.waitFor(w.coordinates(), timeout);
          ModelWait model = new ModelWait(w.coordinates(), timeout == null ? null : now + w.timeoutMillis(), future);
          if (model.metBy(latest)) {
            model.state = State.SATISFIED;
          } else if (timeout != null && timeout.isZero()) {
            model.state = State.TIMED_OUT;
          }
          waits.add(model);
        }
      }
      check(tracker, scheduler, latest, waits);
    }
  }

  private static void settle(List<ModelWait> waits, Map<StreamKey, Long> latest) {
    for (ModelWait w : waits) {
      if (w.state == State.PENDING && w.metBy(latest)) {
        w.state = State.SATISFIED;
      }
    }
  }

  private static void check(
      ConsistencyTracker tracker, ManualScheduler scheduler, Map<StreamKey, Long> latest, List<ModelWait> waits) {
    for (StreamKey key : KEYS) {
      Long expected = latest.get(key);
      if (expected == null) {
        assertThat(tracker.getLatest(key)).isEmpty();
      } else {
        assertThat(tracker.getLatest(key)).hasValue(expected);
      }
    }
    long pending = 0;
    long pendingWithTimer = 0;
    for (ModelWait w : waits) {
      switch (w.state) {
        case PENDING -> {
          assertThat(w.future).isNotDone();
          pending++;
          if (w.deadline != null) {
            pendingWithTimer++;
          }
        }
        case SATISFIED -> assertThat(w.future).isCompletedWithValue(null);
        case TIMED_OUT -> {
          assertThat(w.future).isCompletedExceptionally();
          assertThat(w.future.handle((v, e) -> WaitOutcome.of(e)).join()).isEqualTo(WaitOutcome.TIMED_OUT);
        }
      }
    }
    assertThat(tracker.waiterCount()).isEqualTo(pending);
    assertThat(scheduler.pendingTasks()).isEqualTo(pendingWithTimer);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<ConsistencyCoordinate> coordinate =
        Combinators.combine(Arbitraries.of(KEYS), Arbitraries.longs().between(0, 8))
            .as(ConsistencyCoordinate::of);
    Arbitrary<List<ConsistencyCoordinate>> coordinates = coordinate.list().ofMaxSize(4);
    Arbitrary<Step> update = coordinates.map(Update::new);
    Arbitrary<Step> wait =
        Combinators.combine(
                coordinates,
                Arbitraries.frequencyOf(
                    Tuple2Frequency.<Long>of(3, Arbitraries.just(-1L)),
                    Tuple2Frequency.<Long>of(1, Arbitraries.just(0L)),
                    Tuple2Frequency.<Long>of(3, Arbitraries.longs().between(1, 20))))
            .as(Wait::new);
    Arbitrary<Step> advance = Arbitraries.longs().between(0, 10).map(Advance::new);
    Arbitrary<Step> hydrate =
        Combinators.combine(Arbitraries.of(KEYS), Arbitraries.longs().between(0, 8))
            .as(TrackerEntry::new)
            .list()
            .ofMaxSize(4)
            .map(Hydrate::new);
    return Arbitraries.frequencyOf(
            Tuple2Frequency.<Step>of(5, update),
            Tuple2Frequency.<Step>of(5, wait),
            Tuple2Frequency.<Step>of(2, advance),
            Tuple2Frequency.<Step>of(1, hydrate))
        .list()
        .ofMaxSize(40);
  }

  /** Shorthand for jqwik's frequency pairs. */
  private static final class Tuple2Frequency {
    static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends T>> of(
        int weight, Arbitrary<? extends T> arbitrary) {
      return net.jqwik.api.Tuple.of(weight, arbitrary);
    }
  }
}
