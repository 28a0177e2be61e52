package dev.quire.event;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.QuireException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The origin's event-bus suite (origin-reactor.md D.6, cases 1 to 25, marked "D.6 #n"), adapted to
 * Java: delays become futures the test completes in a chosen order, timing checks become checks
 * on what has and has not completed.
 */
@Timeout(30)
class EventBusTest {

  private static final AtomicLong TYPE_IDS = new AtomicLong();

  private final EventBus bus = new EventBus();

  /** EventType names are JVM-global, so every test defines fresh ones. */
  private static <T> EventType<T> newType(Class<T> payload) {
    return EventType.define("test-event-" + TYPE_IDS.incrementAndGet(), payload);
  }

  private static EventBusAggregateException aggregateOf(CompletableFuture<Void> emit) {
    Throwable cause = catchExecution(emit);
    assertThat(cause).isInstanceOf(EventBusAggregateException.class);
    return (EventBusAggregateException) cause;
  }

  private static Throwable catchExecution(CompletableFuture<Void> future) {
    try {
      future.get(5, SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected the future to fail", e);
    }
    throw new AssertionError("expected the future to fail, it succeeded");
  }

  private static List<String> messages(EventBusAggregateException aggregate) {
    return aggregate.getErrors().stream().map(Throwable::getMessage).toList();
  }

  record Payload(int value) {}

  @Nested
  class Order {

    @Test // D.6 #1
    void syncSubscribers_runInRegistrationOrder() throws Exception {
      EventType<String> type = newType(String.class);
      List<Integer> calls = new ArrayList<>();
      bus.subscribe(type, e -> calls.add(1));
      bus.subscribe(type, e -> calls.add(2));
      bus.subscribe(type, e -> calls.add(3));

      bus.emit(type, "x").get(5, SECONDS);

      assertThat(calls).containsExactly(1, 2, 3);
    }

    @Test // D.6 #2
    void asyncSubscribers_finishInRegistrationOrder_whateverOrderTheirWorkCompletesIn()
        throws Exception {
      EventType<String> type = newType(String.class);
      List<Integer> finished = new CopyOnWriteArrayList<>();
      List<Integer> started = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> slow = new CompletableFuture<>(); // the origin's 50 ms
      CompletableFuture<Void> instant = CompletableFuture.completedFuture(null); // 0 ms
      CompletableFuture<Void> medium = new CompletableFuture<>(); // 10 ms
      bus.subscribeAsync(type, e -> track(1, slow, started, finished));
      bus.subscribeAsync(type, e -> track(2, instant, started, finished));
      bus.subscribeAsync(type, e -> track(3, medium, started, finished));

      CompletableFuture<Void> emit = bus.emit(type, "x");
      medium.complete(null); // the third's work is done first, the first's last
      assertThat(started).containsExactly(1);
      assertThat(emit).isNotDone();

      slow.complete(null);

      emit.get(5, SECONDS);
      assertThat(started).containsExactly(1, 2, 3);
      assertThat(finished).containsExactly(1, 2, 3);
    }

    private CompletionStage<Void> track(
        int id, CompletableFuture<Void> work, List<Integer> started, List<Integer> finished) {
      started.add(id);
      return work.thenRun(() -> finished.add(id));
    }

    @Test // D.6 #3
    void subscriberAddedDuringEmit_isCalledFromTheNextEmitOn() throws Exception {
      EventType<String> type = newType(String.class);
      List<Integer> calls = new ArrayList<>();
      bus.subscribe(type, e -> calls.add(1));
      bus.subscribe(
          type,
          e -> {
            calls.add(2);
            if (bus.subscriberCount(type) == 3) {
              bus.subscribe(type, again -> calls.add(4));
            }
          });
      bus.subscribe(type, e -> calls.add(3));

      bus.emit(type, "first").get(5, SECONDS);
      assertThat(calls).containsExactly(1, 2, 3);

      calls.clear();
      bus.emit(type, "second").get(5, SECONDS);
      assertThat(calls).containsExactly(1, 2, 3, 4);
    }
  }

  @Nested
  class ConcurrentEmits {

    @Test // D.6 #4
    void emitsOfDifferentTypes_doNotWaitForEachOther() throws Exception {
      EventType<String> slowType = newType(String.class);
      EventType<String> fastType = newType(String.class);
      CompletableFuture<Void> slowWork = new CompletableFuture<>();
      CompletableFuture<Void> fastWork = new CompletableFuture<>();
      bus.subscribeAsync(slowType, e -> slowWork);
      bus.subscribeAsync(fastType, e -> fastWork);

      CompletableFuture<Void> slow = bus.emit(slowType, "a");
      CompletableFuture<Void> fast = bus.emit(fastType, "b");
      fastWork.complete(null);

      fast.get(5, SECONDS);
      assertThat(slow).isNotDone(); // B finished while A's handler is still pending
      slowWork.complete(null);
      slow.get(5, SECONDS);
    }

    @Test
    void emitsOfOneType_doNotWaitForEachOther() throws Exception {
      EventType<String> type = newType(String.class);
      Map<String, CompletableFuture<Void>> work = new ConcurrentHashMap<>();
      bus.subscribeAsync(type, e -> work.computeIfAbsent(e, k -> new CompletableFuture<>()));

      CompletableFuture<Void> first = bus.emit(type, "first");
      CompletableFuture<Void> second = bus.emit(type, "second");
      work.get("second").complete(null);

      second.get(5, SECONDS);
      assertThat(first).isNotDone();
      work.get("first").complete(null);
      first.get(5, SECONDS);
    }

    @Test // D.6 #5
    void threeInterleavedEmitsOfOneType_callEachSubscriberOncePerEmit() throws Exception {
      EventType<String> type = newType(String.class);
      Map<String, AtomicInteger> callsPerEvent = new ConcurrentHashMap<>();
      Map<String, CompletableFuture<Void>> work = new ConcurrentHashMap<>();
      bus.subscribeAsync(
          type,
          e -> {
            callsPerEvent.computeIfAbsent(e, k -> new AtomicInteger()).incrementAndGet();
            return work.computeIfAbsent(e, k -> new CompletableFuture<>());
          });
      bus.subscribe(type, e -> callsPerEvent.get(e).incrementAndGet());

      List<CompletableFuture<Void>> emits =
          List.of(bus.emit(type, "a"), bus.emit(type, "b"), bus.emit(type, "c"));
      assertThat(emits).noneMatch(CompletableFuture::isDone); // all three in flight together
      work.values().forEach(w -> w.complete(null));
      CompletableFuture.allOf(emits.toArray(CompletableFuture[]::new)).get(5, SECONDS);

      assertThat(callsPerEvent).hasSize(3);
      assertThat(callsPerEvent.values()).allSatisfy(c -> assertThat(c).hasValue(2));
    }
  }

  @Nested
  class SyncAndAsync {

    @Test // D.6 #6
    void mixedSyncAndAsyncSubscribers_runInRegistrationOrder_withTheSamePayload()
        throws Exception {
      EventType<Payload> type = newType(Payload.class);
      List<String> calls = new CopyOnWriteArrayList<>();
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        bus.subscribe(type, e -> calls.add("sync1:" + e.value()));
        bus.subscribeAsync(
            type, e -> CompletableFuture.runAsync(() -> calls.add("async:" + e.value()), executor));
        bus.subscribe(type, e -> calls.add("sync2:" + e.value()));

        bus.emit(type, new Payload(42)).get(5, SECONDS);

        assertThat(calls).containsExactly("sync1:42", "async:42", "sync2:42");
      } finally {
        executor.shutdownNow();
      }
    }

    @Test // D.6 #7
    void voidStageValueAndNullReturns_allCountAsSuccess() throws Exception {
      EventType<String> type = newType(String.class);
      List<String> calls = new ArrayList<>();
      bus.subscribe(type, e -> calls.add("void"));
      bus.subscribeAsync(
          type,
          e -> {
            calls.add("promise-void");
            return CompletableFuture.completedFuture(null);
          });
      bus.subscribeAsync(
          type,
          e -> {
            calls.add("value");
            return CompletableFuture.completedFuture("a value nobody reads");
          });
      bus.subscribeAsync(
          type,
          e -> {
            calls.add("null-stage");
            return null;
          });

      bus.emit(type, "x").get(5, SECONDS);

      assertThat(calls).containsExactly("void", "promise-void", "value", "null-stage");
    }

    @Test // D.6 #8
    void syncThrowAndFailedStage_areBothReportedInOrder() {
      EventType<String> type = newType(String.class);
      bus.subscribe(
          type,
          e -> {
            throw new IllegalStateException("Sync error");
          });
      bus.subscribeAsync(
          type, e -> CompletableFuture.failedFuture(new IllegalStateException("Async error")));

      EventBusAggregateException aggregate = aggregateOf(bus.emit(type, "x"));

      assertThat(messages(aggregate)).containsExactly("Sync error", "Async error");
    }

    @Test
    void firstSubscriber_runsInsideTheEmitCall() {
      EventType<String> type = newType(String.class);
      AtomicBoolean called = new AtomicBoolean();
      bus.subscribeAsync(
          type,
          e -> {
            called.set(true);
            return new CompletableFuture<>();
          });

      CompletableFuture<Void> emit = bus.emit(type, "x"); // fire and forget

      assertThat(called).isTrue();
      assertThat(emit).isNotDone();
    }

    @Test
    void pendingStage_resumesTheEmitOnTheThreadThatCompletesIt() throws Exception {
      EventType<String> type = newType(String.class);
      CompletableFuture<Void> work = new CompletableFuture<>();
      AtomicReference<Thread> secondRanOn = new AtomicReference<>();
      bus.subscribeAsync(type, e -> work);
      bus.subscribe(type, e -> secondRanOn.set(Thread.currentThread()));

      CompletableFuture<Void> emit = bus.emit(type, "x");
      Thread completer = new Thread(() -> work.complete(null), "completer");
      completer.start();
      completer.join(5_000);

      emit.get(5, SECONDS);
      assertThat(secondRanOn.get()).isSameAs(completer);
    }

    @Test
    void asyncHandlerThrowingBeforeReturningAStage_isCollected() {
      EventType<String> type = newType(String.class);
      List<String> calls = new ArrayList<>();
      bus.subscribeAsync(
          type,
          e -> {
            throw new IllegalArgumentException("threw instead of returning");
          });
      bus.subscribe(type, e -> calls.add("after"));

      assertThat(messages(aggregateOf(bus.emit(type, "x"))))
          .containsExactly("threw instead of returning");
      assertThat(calls).containsExactly("after");
    }

    @Test
    void completionExceptionFromAStage_isUnwrapped() throws Exception {
      EventType<String> type = newType(String.class);
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        bus.subscribeAsync(
            type,
            e ->
                CompletableFuture.runAsync(
                    () -> {
                      throw new IllegalStateException("failed on another thread");
                    },
                    executor));

        EventBusAggregateException aggregate = aggregateOf(bus.emit(type, "x"));

        assertThat(aggregate.getErrors()).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(messages(aggregate)).containsExactly("failed on another thread");
      } finally {
        executor.shutdownNow();
      }
    }

    @Test
    void cancelledStage_isReportedAsACancellation() {
      EventType<String> type = newType(String.class);
      bus.subscribeAsync(
          type,
          e -> {
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            cancelled.cancel(false);
            return cancelled;
          });

      assertThat(aggregateOf(bus.emit(type, "x")).getErrors())
          .singleElement()
          .isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void minimalAndForeignStages_areAwaitedLikeAnyOther() throws Exception {
      EventType<String> type = newType(String.class);
      List<String> calls = new ArrayList<>();
      CompletableFuture<Void> pending = new CompletableFuture<>();
      bus.subscribeAsync(type, e -> CompletableFuture.completedStage("done"));
      bus.subscribeAsync(type, e -> pending.minimalCompletionStage());
      bus.subscribe(type, e -> calls.add("after-minimal"));
      bus.subscribeAsync(type, e -> CompletableFuture.failedStage(new IllegalStateException("m")));
      bus.subscribeAsync(type, e -> new EventBus().emit(newType(String.class), "no subscribers"));

      CompletableFuture<Void> emit = bus.emit(type, "x");
      assertThat(calls).isEmpty();
      pending.complete(null);

      assertThat(messages(aggregateOf(emit))).containsExactly("m");
      assertThat(calls).containsExactly("after-minimal");
    }

    @Test
    void longChainOfAlreadyCompletedStages_doesNotOverflowTheStack() throws Exception {
      EventType<String> type = newType(String.class);
      AtomicInteger calls = new AtomicInteger();
      for (int i = 0; i < 20_000; i++) {
        int kind = i % 3;
        bus.subscribeAsync(
            type,
            e -> {
              calls.incrementAndGet();
              return switch (kind) {
                case 0 -> CompletableFuture.completedFuture(null);
                case 1 -> CompletableFuture.completedStage(null);
                default -> CompletableFuture.completedFuture(null).minimalCompletionStage();
              };
            });
      }

      bus.emit(type, "x").get(5, SECONDS);

      assertThat(calls).hasValue(20_000);
    }
  }

  @Nested
  class Unsubscribe {

    @Test // D.6 #9
    void unsubscribe_isIdempotent_andStopsDelivery() throws Exception {
      EventType<String> type = newType(String.class);
      AtomicInteger calls = new AtomicInteger();
      Subscription subscription = bus.subscribe(type, e -> calls.incrementAndGet());
      bus.emit(type, "x").get(5, SECONDS);

      subscription.unsubscribe();
      subscription.unsubscribe();
      subscription.close();
      bus.emit(type, "y").get(5, SECONDS);

      assertThat(calls).hasValue(1);
    }

    @Test // D.6 #10
    void subscriberRemovedDuringEmit_isStillCalledInThatEmit_butNotTheNext() throws Exception {
      EventType<String> type = newType(String.class);
      List<Integer> calls = new ArrayList<>();
      AtomicReference<Subscription> second = new AtomicReference<>();
      bus.subscribe(
          type,
          e -> {
            calls.add(1);
            second.get().unsubscribe();
          });
      second.set(bus.subscribe(type, e -> calls.add(2)));
      bus.subscribe(type, e -> calls.add(3));

      bus.emit(type, "first").get(5, SECONDS);
      assertThat(calls).containsExactly(1, 2, 3);

      calls.clear();
      bus.emit(type, "second").get(5, SECONDS);
      assertThat(calls).containsExactly(1, 3);
    }

    @Test // D.6 #11
    void lastUnsubscribe_dropsTheTypesState() {
      EventType<String> type = newType(String.class);
      Subscription a = bus.subscribe(type, e -> {});
      Subscription b = bus.subscribeAsync(type, e -> null);
      assertThat(bus.tracks(type)).isTrue();

      a.unsubscribe();
      assertThat(bus.tracks(type)).isTrue();
      b.unsubscribe();

      assertThat(bus.tracks(type)).isFalse();
      assertThat(bus.subscriberCount(type)).isZero();
    }

    @Test // D.6 #12
    void unsubscribingAGoneSubscription_doesNotThrow() {
      EventType<String> type = newType(String.class);
      Subscription subscription = bus.subscribe(type, e -> {});
      subscription.unsubscribe(); // the type's state is gone now

      subscription.unsubscribe();

      assertThat(bus.subscriberCount(type)).isZero();
    }

    @Test
    void unsubscribingOneRegistration_keepsAnotherOfTheSameHandler() throws Exception {
      EventType<String> type = newType(String.class);
      AtomicInteger calls = new AtomicInteger();
      Consumer<String> handler = e -> calls.incrementAndGet();
      Subscription first = bus.subscribe(type, handler);
      bus.subscribe(type, handler);

      first.unsubscribe();
      first.unsubscribe();
      bus.emit(type, "x").get(5, SECONDS);

      assertThat(bus.subscriberCount(type)).isOne();
      assertThat(calls).hasValue(1);
    }
  }

  @Nested
  class Errors {

    @Test // D.6 #13
    void failingSubscribers_doNotStopTheOthers() {
      EventType<String> type = newType(String.class);
      List<Integer> results = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        int id = i;
        bus.subscribe(
            type,
            e -> {
              if (id % 2 == 0) {
                throw new IllegalStateException("Error " + id);
              }
              results.add(id);
            });
      }

      EventBusAggregateException aggregate = aggregateOf(bus.emit(type, "x"));

      assertThat(results).containsExactly(1, 3, 5);
      assertThat(messages(aggregate)).containsExactly("Error 2", "Error 4");
    }

    @Test // D.6 #14
    void everyFailure_isCollectedInOrder() {
      EventType<String> type = newType(String.class);
      for (String message : List.of("First error", "Second error", "Third error")) {
        bus.subscribe(
            type,
            e -> {
              throw new IllegalStateException(message);
            });
      }

      assertThat(messages(aggregateOf(bus.emit(type, "x"))))
          .containsExactly("First error", "Second error", "Third error");
    }

    @Test // D.6 #15
    void lateAsyncFailure_stillLetsTheOtherAsyncSubscribersRun() {
      EventType<String> type = newType(String.class);
      List<String> results = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> failsLater = new CompletableFuture<>();
      bus.subscribeAsync(
          type,
          e -> {
            results.add("success1");
            return CompletableFuture.completedFuture(null);
          });
      bus.subscribeAsync(type, e -> failsLater);
      bus.subscribeAsync(
          type,
          e -> {
            results.add("success2");
            return CompletableFuture.completedFuture(null);
          });

      CompletableFuture<Void> emit = bus.emit(type, "x");
      assertThat(results).containsExactly("success1");
      failsLater.completeExceptionally(new IllegalStateException("Delayed async error"));

      assertThat(messages(aggregateOf(emit))).containsExactly("Delayed async error");
      assertThat(results).containsExactly("success1", "success2");
    }

    @Test // D.6 #16
    void mixedSyncAndAsyncFailures_areCollectedInOrder() {
      EventType<String> type = newType(String.class);
      List<String> results = new ArrayList<>();
      bus.subscribe(type, e -> results.add("sync-ok"));
      bus.subscribe(
          type,
          e -> {
            throw new IllegalStateException("Sync error");
          });
      bus.subscribeAsync(
          type,
          e -> {
            results.add("async-ok");
            return CompletableFuture.completedFuture(null);
          });
      bus.subscribeAsync(
          type, e -> CompletableFuture.failedFuture(new IllegalStateException("Async error")));
      bus.subscribe(type, e -> results.add("last-ok"));

      assertThat(messages(aggregateOf(bus.emit(type, "x"))))
          .containsExactly("Sync error", "Async error");
      assertThat(results).containsExactly("sync-ok", "async-ok", "last-ok");
    }

    @Test // D.6 #17
    void oneFailingEmit_doesNotAffectAnother() throws Exception {
      EventType<String> failing = newType(String.class);
      EventType<String> fine = newType(String.class);
      bus.subscribe(
          failing,
          e -> {
            throw new IllegalStateException("boom");
          });
      AtomicInteger calls = new AtomicInteger();
      bus.subscribe(fine, e -> calls.incrementAndGet());

      CompletableFuture<Void> first = bus.emit(failing, "x");
      CompletableFuture<Void> second = bus.emit(fine, "y");

      assertThat(first).isCompletedExceptionally();
      second.get(5, SECONDS);
      assertThat(calls).hasValue(1);
    }
  }

  @Nested
  class EdgeCases {

    @Test // D.6 #18
    void emitWithoutSubscribers_completesAtOnce_withASharedFuture() {
      EventType<String> type = newType(String.class);

      CompletableFuture<Void> first = bus.emit(type, "x");
      CompletableFuture<Void> second = bus.emit(type, "y");

      assertThat(first).isCompletedWithValue(null);
      assertThat(second).isSameAs(first);
      // Sharing is safe: nobody can re-complete it.
      assertThatThrownBy(() -> first.obtrudeException(new IllegalStateException()))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(first.complete(null)).isFalse();
      assertThat(first.completeExceptionally(new IllegalStateException())).isFalse();
      assertThat(first).isCompletedWithValue(null);
    }

    @Test
    void successfulSyncOnlyEmit_completesAtOnce() {
      EventType<String> type = newType(String.class);
      bus.subscribe(type, e -> {});

      assertThat(bus.emit(type, "x")).isCompletedWithValue(null);
    }

    @Test // D.6 #19
    void typesAreIndependent() throws Exception {
      EventType<String> one = newType(String.class);
      EventType<String> two = newType(String.class);
      EventType<String> three = newType(String.class);
      List<String> calls = new ArrayList<>();
      bus.subscribe(one, e -> calls.add("one:" + e));
      bus.subscribe(two, e -> calls.add("two:" + e));

      bus.emit(one, "a").get(5, SECONDS);
      bus.emit(two, "b").get(5, SECONDS);
      bus.emit(three, "c").get(5, SECONDS);

      assertThat(calls).containsExactly("one:a", "two:b");
      assertThat(bus.subscriberCount(three)).isZero();
    }

    @Test // D.6 #20
    void manySubscribeCycles_withHalfUnsubscribed_deliverToTheRest() throws Exception {
      EventType<String> type = newType(String.class);
      List<Integer> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int id = i;
        Subscription subscription = bus.subscribe(type, e -> calls.add(id));
        if (i % 2 == 0) {
          subscription.unsubscribe();
        }
      }

      bus.emit(type, "x").get(5, SECONDS);

      assertThat(calls).hasSize(50).allMatch(id -> id % 2 == 1);
    }

    @Test // D.6 #21
    void payloads_arePassedThroughUnchanged() throws Exception {
      record Rich(String id, List<Integer> values, Map<String, Object> extra) {}
      EventType<Rich> type = newType(Rich.class);
      Rich sent = new Rich("doc-1", List.of(1, 2, 3), Map.of("nested", Map.of("k", "v")));
      AtomicReference<Rich> received = new AtomicReference<>();
      bus.subscribe(type, received::set);

      bus.emit(type, sent).get(5, SECONDS);

      assertThat(received.get()).isSameAs(sent);
    }

    @Test
    void nullArguments_areRejected() {
      EventType<String> type = newType(String.class);
      assertThatThrownBy(() -> bus.emit(type, null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> bus.subscribe(type, null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> bus.subscribeAsync(null, e -> null))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void eventTypes_neverShareAnIdentifier() {
      EventType<String> type = newType(String.class);

      assertThatThrownBy(() -> EventType.define(type.name(), String.class))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(type.name());
      String builtIn = QuireEvents.OPERATION_WRITTEN.name(); // loads QuireEvents first
      assertThatThrownBy(() -> EventType.define(builtIn, Object.class))
          .isInstanceOf(IllegalStateException.class);
      assertThat(QuireEvents.OPERATION_WRITTEN).isNotSameAs(QuireEvents.OPERATIONS_READY);
    }
  }

  @Nested
  class Volume {

    @Test // D.6 #22 (without the origin's 100 ms bound)
    void thousandSubscribers_areAllCalledByOneEmit() throws Exception {
      EventType<String> type = newType(String.class);
      AtomicInteger calls = new AtomicInteger();
      for (int i = 0; i < 1000; i++) {
        bus.subscribe(type, e -> calls.incrementAndGet());
      }

      bus.emit(type, "x").get(5, SECONDS);

      assertThat(calls).hasValue(1000);
    }

    @Test // D.6 #23 (without the origin's 100 ms bound)
    void hundredConcurrentEmits_eachReachTheSubscriber() throws Exception {
      EventType<Integer> type = newType(Integer.class);
      Map<Integer, Boolean> seen = new ConcurrentHashMap<>();
      bus.subscribe(type, e -> seen.put(e, Boolean.TRUE));
      ExecutorService executor = Executors.newFixedThreadPool(4);
      CyclicBarrier start = new CyclicBarrier(4);
      try {
        List<Future<List<CompletableFuture<Void>>>> batches = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int base = t * 25;
          batches.add(
              executor.submit(
                  () -> {
                    start.await(5, SECONDS);
                    List<CompletableFuture<Void>> emits = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                      emits.add(bus.emit(type, base + i));
                    }
                    return emits;
                  }));
        }
        for (Future<List<CompletableFuture<Void>>> batch : batches) {
          for (CompletableFuture<Void> emit : batch.get(5, SECONDS)) {
            emit.get(5, SECONDS);
          }
        }
      } finally {
        executor.shutdownNow();
      }

      assertThat(seen).hasSize(100);
    }
  }

  @Nested
  class AggregateException {

    @Test // D.6 #24
    void message_listsEveryErrorInOrder() {
      EventBusAggregateException aggregate =
          new EventBusAggregateException(
              List.of(
                  new IllegalStateException("First error"),
                  new RuntimeException("Second error"),
                  new Exception("String error")));

      assertThat(aggregate).isInstanceOf(QuireException.class).isInstanceOf(RuntimeException.class);
      assertThat(aggregate.getClass().getSimpleName()).isEqualTo("EventBusAggregateException");
      assertThat(aggregate)
          .hasMessage(
              "EventBus emit failed with 3 error(s): First error; Second error; String error");
      assertThat(aggregate.getErrors()).hasSize(3);
      assertThat(aggregate.getCause()).hasMessage("First error");
      assertThat(aggregate.getSuppressed()).hasSize(2);
    }

    @Test // D.6 #25
    void errorsWithoutMessage_areDescribedByTheirClass_andNullEntriesAsNull() {
      EventBusAggregateException aggregate =
          new EventBusAggregateException(
              Collections.unmodifiableList(
                  java.util.Arrays.asList(new IllegalStateException(), null)));

      assertThat(aggregate.getMessage())
          .isEqualTo(
              "EventBus emit failed with 2 error(s): java.lang.IllegalStateException; null");
      assertThat(aggregate.getErrors()).hasSize(2);
    }

    @Test
    void emptyErrorList_isRejected() {
      assertThatThrownBy(() -> new EventBusAggregateException(List.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errors_cannotBeModified() {
      EventBusAggregateException aggregate =
          new EventBusAggregateException(List.of(new IllegalStateException("x")));

      assertThatThrownBy(() -> aggregate.getErrors().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Stress {

    /**
     * Emitters on several threads while others subscribe and unsubscribe churn handlers. Two
     * permanent subscribers check every emit: the async one finishes its work on another thread,
     * the sync one after it must see that work done (sequential awaiting) and counts deliveries.
     */
    @Test
    @Timeout(60)
    void concurrentEmitsAndSubscriptionChurn_loseNothingAndKeepOrder() throws Exception {
      EventType<AtomicInteger> type = newType(AtomicInteger.class);
      ExecutorService completer = Executors.newFixedThreadPool(2);
      AtomicInteger delivered = new AtomicInteger();
      bus.subscribeAsync(type, e -> CompletableFuture.runAsync(e::incrementAndGet, completer));
      bus.subscribe(
          type,
          e -> {
            if (e.get() != 1) {
              throw new AssertionError("second subscriber ran before the first finished");
            }
            delivered.incrementAndGet();
          });

      int emitters = 3;
      int churners = 2;
      int emitsPerThread = 10_000;
      ExecutorService threads = Executors.newFixedThreadPool(emitters + churners);
      CyclicBarrier start = new CyclicBarrier(emitters + churners);
      CountDownLatch emittersDone = new CountDownLatch(emitters);
      try {
        List<Future<List<CompletableFuture<Void>>>> emitResults = new ArrayList<>();
        for (int t = 0; t < emitters; t++) {
          emitResults.add(
              threads.submit(
                  () -> {
                    start.await(10, SECONDS);
                    List<CompletableFuture<Void>> emits = new ArrayList<>(emitsPerThread);
                    for (int i = 0; i < emitsPerThread; i++) {
                      emits.add(bus.emit(type, new AtomicInteger()));
                    }
                    emittersDone.countDown();
                    return emits;
                  }));
        }
        List<Future<Integer>> churnResults = new ArrayList<>();
        for (int t = 0; t < churners; t++) {
          churnResults.add(
              threads.submit(
                  () -> {
                    start.await(10, SECONDS);
                    int cycles = 0;
                    List<Subscription> held = new ArrayList<>();
                    while (emittersDone.getCount() > 0 || cycles < 100) {
                      ThreadLocalRandom random = ThreadLocalRandom.current();
                      held.add(
                          random.nextBoolean()
                              ? bus.subscribe(type, e -> {})
                              : bus.subscribeAsync(
                                  type, e -> CompletableFuture.completedFuture(null)));
                      if (held.size() > 8 || random.nextInt(3) == 0) {
                        held.remove(random.nextInt(held.size())).unsubscribe();
                      }
                      cycles++;
                    }
                    held.forEach(Subscription::unsubscribe);
                    held.forEach(Subscription::unsubscribe); // idempotent under contention too
                    return cycles;
                  }));
        }

        for (Future<List<CompletableFuture<Void>>> result : emitResults) {
          for (CompletableFuture<Void> emit : result.get(30, SECONDS)) {
            emit.get(30, SECONDS);
          }
        }
        for (Future<Integer> result : churnResults) {
          assertThat(result.get(30, SECONDS)).isGreaterThanOrEqualTo(100);
        }
      } finally {
        threads.shutdownNow();
        completer.shutdownNow();
      }

      assertThat(delivered).hasValue(emitters * emitsPerThread);
      assertThat(bus.subscriberCount(type)).isEqualTo(2);
    }
  }
}
