package dev.quire.consistency;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.Cancellation;
import dev.quire.concurrent.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The origin's 32 tracker tests (D.1), the cases it left uncovered, and Quire's additions. */
@Timeout(10)
class ConsistencyTrackerTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final ConsistencyTracker tracker = new ConsistencyTracker("document-view", scheduler);

  static ConsistencyCoordinate c(String doc, String scope, String branch, long index) {
    return new ConsistencyCoordinate(doc, scope, branch, index);
  }

  static StreamKey key(String doc, String scope, String branch) {
    return new StreamKey(doc, scope, branch);
  }

  static final StreamKey DOC1 = key("doc1", "scope1", "main");
  static final StreamKey DOC2 = key("doc2", "scope1", "main");

  /** How a finished future failed (null if it succeeded); fails the test if it is not done. */
  static Throwable failureOf(CompletableFuture<?> future) {
    assertThat(future).as("future should be done").isDone();
    Throwable error = future.handle((v, e) -> e).join();
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  @AfterEach
  void noLeakedWaitersOrTimers() {
    // Tests that leave waiters on purpose cancel them via their own futures before ending.
    assertThat(tracker.waiterCount()).as("leaked waiters").isZero();
    assertThat(scheduler.pendingTasks()).as("leaked timers").isZero();
  }

  @Nested
  class Keys {

    @Test
    void key_hasDocumentScopeBranchFormat() {
      assertThat(key("doc1", "scope1", "main")).hasToString("doc1:scope1:main");
    }

    @Test
    void key_keepsSpecialCharactersOtherThanColon() {
      assertThat(key("doc-id-123", "scope/path", "feature/branch"))
          .hasToString("doc-id-123:scope/path:feature/branch");
    }
  }

  @Nested
  class Update {

    @Test
    void keptKeys_shareOneInstanceOfEachScopeAndBranchName() {
      // Equal names in separate String objects, as rows and requests bring them.
      tracker.update(List.of(c("doc1", new String("global"), new String("main"), 1)));
      tracker.update(List.of(c("doc2", new String("global"), new String("main"), 2)));
      tracker.hydrate(List.copyOf(tracker.serialize()).stream()
          .map(e -> new TrackerEntry(key(e.key().documentId(), new String(e.key().scope()), new String(e.key().branch())),
              e.index()))
          .toList());

      List<TrackerEntry> kept = tracker.serialize();
      assertThat(kept).extracting(TrackerEntry::index).containsExactlyInAnyOrder(1L, 2L);
      assertThat(kept.get(0).key().scope()).isSameAs(kept.get(1).key().scope());
      assertThat(kept.get(0).key().branch()).isSameAs(kept.get(1).key().branch());
      assertThat(tracker.getLatest(key("doc2", "global", "main"))).hasValue(2);
    }

    @Test
    void update_recordsIndex() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
    }

    @Test
    void update_keepsHighestIndexOverRepeatedUpdates() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
      tracker.update(List.of(c("doc1", "scope1", "main", 3)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      assertThat(tracker.getLatest(DOC1)).hasValue(10);
    }

    @Test
    void update_deduplicatesWithinOneCall() {
      tracker.update(
          List.of(c("doc1", "scope1", "main", 3), c("doc1", "scope1", "main", 5), c("doc1", "scope1", "main", 2)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
      assertThat(tracker.serialize()).hasSize(1);
    }

    @Test
    void update_tracksDifferentStreamsIndependently() {
      tracker.update(
          List.of(
              c("doc1", "scope1", "main", 5),
              c("doc2", "scope1", "main", 3),
              c("doc1", "scope2", "main", 7),
              c("doc1", "scope1", "feature", 2)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
      assertThat(tracker.getLatest(DOC2)).hasValue(3);
      assertThat(tracker.getLatest(key("doc1", "scope2", "main"))).hasValue(7);
      assertThat(tracker.getLatest(key("doc1", "scope1", "feature"))).hasValue(2);
    }

    @Test
    void update_emptyListChangesNothing() {
      tracker.update(List.of());
      assertThat(tracker.getLatest(DOC1)).isEmpty();
      assertThat(tracker.serialize()).isEmpty();
    }

    @Test
    void update_lowerIndexDoesNotResolveWaiter() {
      tracker.update(List.of(c("doc1", "scope1", "main", 3)));
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);

      tracker.update(List.of(c("doc1", "scope1", "main", 4)));
      tracker.update(List.of(c("doc1", "scope1", "main", 2)));

      assertThat(wait).isNotDone();
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isCompleted();
    }

    @Test
    void update_wakesExactlyTheSatisfiedWaiters() {
      CompletableFuture<Void> at5 = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      CompletableFuture<Void> at7 = tracker.waitFor(List.of(c("doc1", "scope1", "main", 7)), null);
      CompletableFuture<Void> other = tracker.waitFor(List.of(c("doc2", "scope1", "main", 1)), null);

      tracker.update(List.of(c("doc1", "scope1", "main", 6)));

      assertThat(at5).isCompleted();
      assertThat(at7).isNotDone();
      assertThat(other).isNotDone();
      assertThat(tracker.waiterCount()).isEqualTo(2);
      tracker.update(List.of(c("doc1", "scope1", "main", 7), c("doc2", "scope1", "main", 1)));
      assertThat(at7).isCompleted();
      assertThat(other).isCompleted();
    }
  }

  @Nested
  class GetLatest {

    @Test
    void getLatest_unknownKeyIsEmpty() {
      assertThat(tracker.getLatest(key("unknown", "key", "value"))).isEmpty();
    }

    @Test
    void getLatest_returnsUpdatedIndex() {
      tracker.update(List.of(c("doc1", "scope1", "main", 42)));
      assertThat(tracker.getLatest(DOC1)).hasValue(42);
    }
  }

  @Nested
  class WaitFor {

    @Test
    void waitFor_alreadySatisfied_completesAtOnce() {
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      assertThat(wait).isCompletedWithValue(null);
    }

    @Test
    void waitFor_completesWhenCoordinatesBecomeSatisfied() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      assertThat(wait).isNotDone();
      assertThat(tracker.waiterCount()).isEqualTo(1);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));

      assertThat(wait).isCompletedWithValue(null);
    }

    @Test
    void waitFor_waitsUntilAllCoordinatesAreSatisfied() {
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      scheduler.advance(Duration.ofMillis(10));
      assertThat(wait).isNotDone();
      assertThat(tracker.waiterCount()).isEqualTo(1);

      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(wait).isCompleted();
    }

    @Test
    void waitFor_completesAtExactlyTheRequiredIndex() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isCompleted();
    }

    @Test
    void waitFor_completesWhenIndexExceedsRequirement() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      assertThat(wait).isCompleted();
    }

    @Test
    void waitFor_emptyListCompletesAtOnce() {
      assertThat(tracker.waitFor(List.of(), null)).isCompleted();
      assertThat(tracker.waitFor(List.of(), Duration.ZERO)).isCompleted();
    }

    @Test
    void waitFor_timesOutWithUnmetCoordinates() {
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofMillis(100));

      scheduler.advance(Duration.ofMillis(99));
      assertThat(wait).isNotDone();
      scheduler.advance(Duration.ofMillis(1));

      Throwable failure = failureOf(wait);
      assertThat(failure)
          .isInstanceOf(ConsistencyTimeoutException.class)
          .hasMessage("document-view: timed out after 100 ms waiting for doc1:scope1:main@5 (latest none)");
      assertThat(WaitOutcome.of(failure)).isEqualTo(WaitOutcome.TIMED_OUT);
    }

    @Test
    void waitFor_timeoutNamesOnlyUnmetCoordinatesWithLatestIndex() {
      StreamKey global = key("doc1", "global", "main");
      tracker.update(List.of(ConsistencyCoordinate.of(global, 40), c("doc2", "scope1", "main", 9)));
      CompletableFuture<Void> wait =
          tracker.waitFor(
              List.of(ConsistencyCoordinate.of(global, 42), c("doc2", "scope1", "main", 3)),
              Duration.ofSeconds(5));
      scheduler.advance(Duration.ofSeconds(5));

      ConsistencyTimeoutException timeout = (ConsistencyTimeoutException) failureOf(wait);
      assertThat(timeout)
          .hasMessage("document-view: timed out after 5000 ms waiting for doc1:global:main@42 (latest 40)");
      assertThat(timeout.trackerName()).isEqualTo("document-view");
      assertThat(timeout.waited()).isEqualTo(Duration.ofSeconds(5));
      assertThat(timeout.unmet())
          .containsExactly(
              new ConsistencyTimeoutException.UnmetCoordinate(
                  ConsistencyCoordinate.of(global, 42), OptionalLong.of(40)));
    }

    @Test
    void waitFor_failsWhenCancellationFires() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null, cancellation);

      scheduler.advance(Duration.ofMillis(10));
      cancellation.cancel();

      Throwable failure = failureOf(wait);
      assertThat(failure).isInstanceOf(WaitCancelledException.class).hasMessage("Operation aborted");
      assertThat(((WaitCancelledException) failure).trackerName()).isEqualTo("document-view");
      assertThat(wait).isCancelled();
      assertThat(WaitOutcome.of(failure)).isEqualTo(WaitOutcome.ABORTED);
    }

    @Test
    void waitFor_alreadyCancelled_failsAtOnce() {
      Cancellation cancellation = Cancellation.create();
      cancellation.cancel();

      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null, cancellation);

      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class).hasMessage("Operation aborted");
    }

    @Test
    void waitFor_alreadyCancelledAndSatisfied_stillFails() {
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      Cancellation cancellation = Cancellation.create();
      cancellation.cancel();

      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null, cancellation);

      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class);
      assertThat(failureOf(tracker.waitFor(List.of(), null, cancellation)))
          .isInstanceOf(WaitCancelledException.class);
    }

    @Test
    void waitFor_severalWaitersOnSameCoordinate_allComplete() {
      List<CompletableFuture<Void>> waits = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waits.add(tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null));
      }
      assertThat(tracker.waiterCount()).isEqualTo(3);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));

      assertThat(waits).allSatisfy(wait -> assertThat(wait).isCompleted());
    }

    @Test
    void waitFor_severalWaitersOnDifferentCoordinates_completeIndependently() {
      CompletableFuture<Void> first = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      CompletableFuture<Void> second = tracker.waitFor(List.of(c("doc2", "scope1", "main", 3)), null);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(first).isCompleted();
      assertThat(second).isNotDone();

      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(second).isCompleted();
    }

    @Test
    void waitFor_timeoutOfOneWaiterDoesNotAffectAnother() {
      CompletableFuture<Void> first =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofMillis(100));
      CompletableFuture<Void> second =
          tracker.waitFor(List.of(c("doc2", "scope1", "main", 3)), Duration.ofMillis(200));

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(first).isCompleted();

      scheduler.advance(Duration.ofMillis(200));
      assertThat(first).isCompletedWithValue(null);
      assertThat(failureOf(second))
          .isInstanceOf(ConsistencyTimeoutException.class)
          .hasMessageContaining("timed out");
    }

    @Test
    void waitFor_satisfiedWaiter_cancelsItsTimer() {
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1));
      assertThat(scheduler.pendingTasks()).isEqualTo(1);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));

      assertThat(wait).isCompleted();
      assertThat(scheduler.pendingTasks()).isZero();
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(wait).isCompletedWithValue(null);
    }

    @Test
    void waitFor_satisfiedWaiter_removesItsCancellationCallback() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1), cancellation);
      assertThat(cancellation.callbackCount()).isEqualTo(1);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));

      assertThat(wait).isCompleted();
      assertThat(cancellation.callbackCount()).isZero();
      cancellation.cancel();
      assertThat(wait).isCompletedWithValue(null);
    }

    @Test
    void waitFor_timedOutWaiter_removesItsCancellationCallback() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofMillis(10), cancellation);

      scheduler.advance(Duration.ofMillis(10));

      assertThat(failureOf(wait)).isInstanceOf(ConsistencyTimeoutException.class);
      assertThat(cancellation.callbackCount()).isZero();
    }

    @Test
    void waitFor_cancelledWaiter_cancelsItsTimer() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1), cancellation);

      cancellation.cancel();

      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class);
      assertThat(scheduler.pendingTasks()).isZero();
      assertThat(tracker.waiterCount()).isZero();
    }

    @Test
    void waitFor_zeroTimeoutNotSatisfied_failsAtOnceWithoutTimer() {
      tracker.update(List.of(c("doc1", "scope1", "main", 3)));

      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ZERO);

      assertThat(failureOf(wait))
          .isInstanceOf(ConsistencyTimeoutException.class)
          .hasMessage("document-view: timed out after 0 ms waiting for doc1:scope1:main@5 (latest 3)");
      assertThat(scheduler.pendingTasks()).isZero();
      assertThat(tracker.waiterCount()).isZero();
    }

    @Test
    void waitFor_zeroTimeoutSatisfied_completes() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ZERO)).isCompleted();
    }

    @Test
    void waitFor_negativeTimeout_isRejected() {
      assertThatThrownBy(() -> tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void waitFor_duplicateCoordinates_needTheHighest() {
      CompletableFuture<Void> wait =
          tracker.waitFor(
              List.of(c("doc1", "scope1", "main", 5), c("doc1", "scope1", "main", 7), c("doc1", "scope1", "main", 5)),
              null);
      assertThat(tracker.waiterCount()).isEqualTo(1);

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isNotDone();
      tracker.update(List.of(c("doc1", "scope1", "main", 7)));
      assertThat(wait).isCompleted();
    }

    @Test
    void waitFor_callerCancellingTheFuture_releasesWaiterAndTimer() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1), cancellation);

      wait.cancel(false);

      assertThat(tracker.waiterCount()).isZero();
      assertThat(scheduler.pendingTasks()).isZero();
      assertThat(cancellation.callbackCount()).isZero();
    }

    @Test
    void waitFor_onlyUpdateOrHydrateReleaseWaiters() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);

      tracker.getLatest(DOC1);
      tracker.serialize();
      scheduler.advance(Duration.ofDays(1));
      tracker.clearFailure(DOC1);
      assertThat(wait).isNotDone();

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isCompleted();
    }
  }

  @Nested
  class SerializeAndHydrate {

    @Test
    void serialize_emptyTracker() {
      assertThat(tracker.serialize()).isEmpty();
    }

    @Test
    void serialize_listsEveryStream() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)));
      assertThat(tracker.serialize())
          .containsExactly(new TrackerEntry(DOC1, 5), new TrackerEntry(DOC2, 3));
    }

    @Test
    void hydrate_setsState() {
      tracker.hydrate(List.of(new TrackerEntry(DOC1, 5), new TrackerEntry(DOC2, 3)));
      assertThat(tracker.getLatest(DOC1)).hasValue(5);
      assertThat(tracker.getLatest(DOC2)).hasValue(3);
    }

    @Test
    void hydrate_replacesExistingState() {
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      tracker.hydrate(List.of(new TrackerEntry(DOC2, 5)));
      assertThat(tracker.getLatest(DOC1)).isEmpty();
      assertThat(tracker.getLatest(DOC2)).hasValue(5);
    }

    @Test
    void serializeThenHydrate_roundTrips() {
      tracker.update(
          List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3), c("doc1", "scope1", "feature", 8)));
      ConsistencyTracker restored = new ConsistencyTracker("restored", scheduler);

      restored.hydrate(tracker.serialize());

      assertThat(restored.serialize()).isEqualTo(tracker.serialize());
      assertThat(restored.getLatest(key("doc1", "scope1", "feature"))).hasValue(8);
    }

    @Test
    void hydrate_emptyClearsEverything() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      tracker.hydrate(List.of());
      assertThat(tracker.getLatest(DOC1)).isEmpty();
      assertThat(tracker.serialize()).isEmpty();
    }

    @Test
    void hydrate_wakesTheWaitersItSatisfies() {
      CompletableFuture<Void> satisfied = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1));
      CompletableFuture<Void> stillWaiting = tracker.waitFor(List.of(c("doc2", "scope1", "main", 9)), null);

      tracker.hydrate(List.of(new TrackerEntry(DOC1, 6), new TrackerEntry(DOC2, 8)));

      assertThat(satisfied).isCompleted();
      assertThat(stillWaiting).isNotDone();
      assertThat(tracker.waiterCount()).isEqualTo(1);
      assertThat(scheduler.pendingTasks()).isZero();
      tracker.update(List.of(c("doc2", "scope1", "main", 9)));
      assertThat(stillWaiting).isCompleted();
    }

    @Test
    void hydrate_loweringAnIndex_makesWaiterWaitForItAgain() {
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));

      tracker.hydrate(List.of(new TrackerEntry(DOC1, 1)));
      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(wait).isNotDone();

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isCompleted();
    }

    @Test
    void hydrate_duplicateKeyKeepsHighest() {
      tracker.hydrate(List.of(new TrackerEntry(DOC1, 7), new TrackerEntry(DOC1, 4)));
      assertThat(tracker.getLatest(DOC1)).hasValue(7);
    }
  }

  @Nested
  class EdgeCases {

    @Test
    void indexZero_isTrackedAndSatisfies() {
      tracker.update(List.of(c("doc1", "scope1", "main", 0)));
      assertThat(tracker.getLatest(DOC1)).hasValue(0);
      assertThat(tracker.waitFor(List.of(c("doc1", "scope1", "main", 0)), null)).isCompleted();
    }

    @Test
    void largeIndex_isStoredExactly() {
      tracker.update(List.of(c("doc1", "scope1", "main", 999_999_999L)));
      assertThat(tracker.getLatest(DOC1)).hasValue(999_999_999L);
      tracker.update(List.of(c("doc1", "scope1", "main", Long.MAX_VALUE)));
      assertThat(tracker.getLatest(DOC1)).hasValue(Long.MAX_VALUE);
    }

    @Test
    void timeoutAndCancellationTogether_cancellationFirstWins() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1), cancellation);

      scheduler.advance(Duration.ofMillis(50));
      cancellation.cancel();

      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class).hasMessage("Operation aborted");
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class);
    }

    @Test
    void someCoordinatesAlreadySatisfied_waitsOnlyForTheRest() {
      tracker.update(List.of(c("doc1", "scope1", "main", 10)));
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);
      assertThat(wait).isNotDone();

      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(wait).isCompleted();
    }

    @Test
    void name_isTheGivenName() {
      assertThat(tracker.name()).isEqualTo("document-view");
      assertThatThrownBy(() -> new ConsistencyTracker("", scheduler)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Failures {

    private final RuntimeException boom = new IllegalStateException("disk full");

    @Test
    void markFailed_failsWaitersWithUnmetCoordinateOnThatKey() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1), cancellation);

      tracker.markFailed(DOC1, "document-view", boom);

      Throwable failure = failureOf(wait);
      assertThat(failure)
          .isInstanceOf(ReadModelFailedException.class)
          .hasMessage("document-view failed on doc1:scope1:main: disk full")
          .hasCause(boom);
      ReadModelFailedException failed = (ReadModelFailedException) failure;
      assertThat(failed.readModel()).isEqualTo("document-view");
      assertThat(failed.stream()).isEqualTo(DOC1);
      assertThat(WaitOutcome.of(failure)).isEqualTo(WaitOutcome.READ_MODEL_FAILED);
      assertThat(cancellation.callbackCount()).isZero();
    }

    @Test
    void markFailed_failsWaiterThatAlsoNeedsOtherKeys_andUnfilesItEverywhere() {
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);

      tracker.markFailed(DOC2, "document-view", boom);

      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class);
      assertThat(tracker.waiterCount()).isZero();
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class);
    }

    @Test
    void markFailed_leavesWaitersWhoseCoordinateOnThatKeyIsMet() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);

      tracker.markFailed(DOC1, "document-view", boom);

      assertThat(wait).isNotDone();
      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(wait).isCompleted();
    }

    @Test
    void markFailed_leavesWaitersOnOtherKeys() {
      CompletableFuture<Void> other = tracker.waitFor(List.of(c("doc2", "scope1", "main", 3)), null);

      tracker.markFailed(DOC1, "document-view", boom);

      assertThat(other).isNotDone();
      tracker.update(List.of(c("doc2", "scope1", "main", 3)));
      assertThat(other).isCompleted();
    }

    @Test
    void waitFor_unmetCoordinateOnFailedKey_failsAtOnce() {
      tracker.markFailed(DOC1, "document-view", boom);

      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), Duration.ofSeconds(1));

      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class).hasCause(boom);
      assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void waitFor_metCoordinateOnFailedKey_isSatisfied() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      tracker.markFailed(DOC1, "document-view", boom);

      assertThat(tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null)).isCompleted();
    }

    @Test
    void update_onFailedKey_stillSatisfies() {
      tracker.markFailed(DOC1, "document-view", boom);
      tracker.update(List.of(c("doc1", "scope1", "main", 8)));

      assertThat(tracker.getLatest(DOC1)).hasValue(8);
      assertThat(tracker.waitFor(List.of(c("doc1", "scope1", "main", 8)), null)).isCompleted();
      assertThat(failureOf(tracker.waitFor(List.of(c("doc1", "scope1", "main", 9)), null)))
          .isInstanceOf(ReadModelFailedException.class);
    }

    @Test
    void clearFailure_letsNewWaitsWaitAgain() {
      tracker.markFailed(DOC1, "document-view", boom);
      tracker.clearFailure(DOC1);

      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 5)), null);
      assertThat(wait).isNotDone();

      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      assertThat(wait).isCompleted();
    }

    @Test
    void markFailed_withoutWaiters_onlyAffectsNewWaits() {
      tracker.markFailed(DOC1, "indexer", null);
      Throwable failure = failureOf(tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null));
      assertThat(failure).isInstanceOf(ReadModelFailedException.class).hasMessage("indexer failed on doc1:scope1:main");
    }

    @Test
    void hydrate_reopeningAFailedKey_failsItsWaiters() {
      tracker.update(List.of(c("doc1", "scope1", "main", 5)));
      CompletableFuture<Void> wait =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 5), c("doc2", "scope1", "main", 3)), null);
      tracker.markFailed(DOC1, "document-view", boom);
      assertThat(wait).isNotDone();

      tracker.hydrate(List.of(new TrackerEntry(DOC1, 1)));

      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class);
    }
  }

  @Nested
  class CallbacksRunOutsideTheLock {

    /**
     * Attaches a callback that needs the tracker's lock from another thread; if the future were
     * completed under the lock, that thread would block and the callback would time out.
     */
    private AtomicReference<Throwable> probe(CompletableFuture<Void> wait) {
      AtomicReference<Throwable> problem = new AtomicReference<>();
      wait.whenComplete(
          (v, e) -> {
            try {
              CompletableFuture.runAsync(() -> tracker.clearFailure(key("other", "s", "b"))).get(5, SECONDS);
            } catch (Exception failure) {
              problem.set(failure);
            }
          });
      return problem;
    }

    @Test
    void onUpdate() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null);
      AtomicReference<Throwable> problem = probe(wait);
      tracker.update(List.of(c("doc1", "scope1", "main", 1)));
      assertThat(wait).isCompleted();
      assertThat(problem).hasNullValue();
    }

    @Test
    void onTimeout() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), Duration.ofMillis(1));
      AtomicReference<Throwable> problem = probe(wait);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(failureOf(wait)).isInstanceOf(ConsistencyTimeoutException.class);
      assertThat(problem).hasNullValue();
    }

    @Test
    void onCancellation() {
      Cancellation cancellation = Cancellation.create();
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null, cancellation);
      AtomicReference<Throwable> problem = probe(wait);
      cancellation.cancel();
      assertThat(failureOf(wait)).isInstanceOf(WaitCancelledException.class);
      assertThat(problem).hasNullValue();
    }

    @Test
    void onMarkFailed() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null);
      AtomicReference<Throwable> problem = probe(wait);
      tracker.markFailed(DOC1, "document-view", new RuntimeException("x"));
      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class);
      assertThat(problem).hasNullValue();
    }

    @Test
    void onHydrate() {
      CompletableFuture<Void> wait = tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null);
      AtomicReference<Throwable> problem = probe(wait);
      tracker.hydrate(List.of(new TrackerEntry(DOC1, 1)));
      assertThat(wait).isCompleted();
      assertThat(problem).hasNullValue();
    }
  }

  @Nested
  class Outcomes {

    @Test
    void of_mapsEveryWaitEnding() {
      assertThat(WaitOutcome.of(null)).isEqualTo(WaitOutcome.SATISFIED);
      ConsistencyTimeoutException timeout =
          new ConsistencyTimeoutException("t", List.of(), Duration.ZERO);
      assertThat(WaitOutcome.of(timeout)).isEqualTo(WaitOutcome.TIMED_OUT);
      assertThat(WaitOutcome.of(new CompletionException(timeout))).isEqualTo(WaitOutcome.TIMED_OUT);
      assertThat(WaitOutcome.of(new WaitCancelledException("t"))).isEqualTo(WaitOutcome.ABORTED);
      assertThat(WaitOutcome.of(new java.util.concurrent.CancellationException())).isEqualTo(WaitOutcome.ABORTED);
      assertThat(WaitOutcome.of(new java.util.concurrent.ExecutionException(new ReadModelFailedException("r", DOC1, null))))
          .isEqualTo(WaitOutcome.READ_MODEL_FAILED);
    }

    @Test
    void of_rejectsForeignFailures() {
      IllegalStateException foreign = new IllegalStateException("not a wait");
      assertThatThrownBy(() -> WaitOutcome.of(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasCause(foreign);
    }

    @Test
    void of_classifiesRealFutures() {
      tracker.update(List.of(c("doc1", "scope1", "main", 1)));
      CompletableFuture<WaitOutcome> outcome =
          tracker.waitFor(List.of(c("doc1", "scope1", "main", 1)), null).handle((v, e) -> WaitOutcome.of(e));
      assertThat(outcome).isCompletedWithValue(WaitOutcome.SATISFIED);

      CompletableFuture<WaitOutcome> timedOut =
          tracker
              .waitFor(List.of(c("doc1", "scope1", "main", 2)), Duration.ofMillis(5))
              .thenApply(v -> v) // a dependent stage wraps the failure in CompletionException
              .handle((v, e) -> WaitOutcome.of(e));
      scheduler.advance(Duration.ofMillis(5));
      assertThat(timedOut).isCompletedWithValue(WaitOutcome.TIMED_OUT);
    }
  }
}
