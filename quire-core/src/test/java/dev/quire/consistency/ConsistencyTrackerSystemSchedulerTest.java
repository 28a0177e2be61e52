package dev.quire.consistency;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one end-to-end check of the real scheduler path; everything else uses ManualScheduler. */
@Timeout(10)
class ConsistencyTrackerSystemSchedulerTest {

  @Test
  void realTimeout_failsWithConsistencyTimeoutException() {
    ConsistencyTracker tracker = new ConsistencyTracker("document-view");
    ConsistencyCoordinate wanted = new ConsistencyCoordinate("doc1", "global", "main", 42);

    CompletableFuture<Void> wait = tracker.waitFor(List.of(wanted), Duration.ofMillis(50));

    assertThatThrownBy(() -> wait.get(5, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConsistencyTimeoutException.class)
        .hasMessageStartingWith("document-view: timed out after ")
        .hasMessageEndingWith(" ms waiting for doc1:global:main@42 (latest none)");
    ConsistencyTimeoutException timeout = (ConsistencyTimeoutException) wait.handle((v, e) -> e).join();
    assertThat(timeout.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(tracker.waiterCount()).isZero();
  }
}
