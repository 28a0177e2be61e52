package dev.quire.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.Cancellation;
import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.WaitCancelledException;
import dev.quire.readmodel.fixture.OperationFixtures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReadGateTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final ConsistencyTracker tracker = new ConsistencyTracker("test-model", scheduler);
  private final ConsistencyCoordinate doc1At3 = new ConsistencyCoordinate("doc-1", "global", "main", 3);
  private final ConsistencyToken token = ConsistencyToken.of(OperationFixtures.BASE_TIME, List.of(doc1At3));

  @Test
  void await_emptyToken_completesAtOnceWithoutRegisteringAWaiter() {
    CompletableFuture<Void> gate = ReadGate.await(tracker, ReadOptions.NONE, Duration.ofSeconds(1));

    assertThat(gate).isCompleted();
    assertThat(tracker.waiterCount()).isZero();
  }

  @Test
  void await_tokenAlreadyIndexed_completesAtOnce() {
    tracker.update(List.of(doc1At3));

    assertThat(ReadGate.await(tracker, ReadOptions.after(token), Duration.ofSeconds(1))).isCompleted();
  }

  @Test
  void await_tokenNotYetIndexed_completesOnUpdate() {
    CompletableFuture<Void> gate = ReadGate.await(tracker, ReadOptions.after(token), Duration.ofSeconds(1));
    assertThat(gate).isNotDone();

    tracker.update(List.of(doc1At3));

    assertThat(gate).isCompleted();
  }

  @Test
  void await_noTimeoutInOptions_usesTheDefault() {
    CompletableFuture<Void> gate = ReadGate.await(tracker, ReadOptions.after(token), Duration.ofSeconds(5));

    scheduler.advance(Duration.ofMillis(4999));
    assertThat(gate).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(causeOf(gate)).isInstanceOf(ConsistencyTimeoutException.class);
  }

  @Test
  void await_timeoutInOptions_overridesTheDefault() {
    CompletableFuture<Void> gate =
        ReadGate.await(tracker, ReadOptions.after(token, Duration.ofMillis(100)), Duration.ofSeconds(5));

    scheduler.advance(Duration.ofMillis(100));

    assertThat(causeOf(gate)).isInstanceOf(ConsistencyTimeoutException.class);
  }

  @Test
  void await_cancelled_failsWithTheTrackersCancellation() {
    Cancellation cancellation = Cancellation.create();
    CompletableFuture<Void> gate =
        ReadGate.await(tracker, new ReadOptions(token, null, cancellation), Duration.ofSeconds(5));

    cancellation.cancel();

    assertThat(gate).isCancelled();
    // join() rethrows a cancellation as a fresh CancellationException caused by the original.
    assertThatThrownBy(gate::join).isInstanceOf(CancellationException.class)
        .satisfies(e -> assertThat(e instanceof WaitCancelledException || e.getCause() instanceof WaitCancelledException)
            .as("cancellation names the tracker: %s", e).isTrue());
    assertThat(tracker.waiterCount()).isZero();
  }

  @Test
  void requireTimeout_rejectsZeroAndNegative() {
    assertThatThrownBy(() -> ReadGate.requireTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReadGate.requireTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ReadGate.requireTimeout(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
  }

  private static Throwable causeOf(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
      throw new AssertionError("expected failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
