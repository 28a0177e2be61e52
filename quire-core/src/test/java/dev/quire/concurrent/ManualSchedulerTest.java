package dev.quire.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void advance_runsDueTasksInDeadlineOrderThenSchedulingOrder() {
    List<String> ran = new ArrayList<>();
    scheduler.schedule(Duration.ofMillis(30), () -> ran.add("30"));
    scheduler.schedule(Duration.ofMillis(10), () -> ran.add("10a"));
    scheduler.schedule(Duration.ofMillis(10), () -> ran.add("10b"));
    scheduler.schedule(Duration.ofMillis(50), () -> ran.add("50"));

    scheduler.advance(Duration.ofMillis(30));

    assertThat(ran).containsExactly("10a", "10b", "30");
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void clock_movesOnlyOnAdvance_andShowsTaskDeadlineWhileItRuns() {
    List<Instant> seen = new ArrayList<>();
    scheduler.schedule(Duration.ofSeconds(1), () -> seen.add(scheduler.now()));
    assertThat(scheduler.now()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(scheduler.nanoTime()).isZero();

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(seen).containsExactly(Instant.parse("2030-01-01T00:00:01Z"));
    assertThat(scheduler.now()).isEqualTo(Instant.parse("2030-01-01T00:00:05Z"));
    assertThat(scheduler.nanoTime()).isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void cancelledTask_neverRuns() {
    List<String> ran = new ArrayList<>();
    Scheduler.Cancellable handle = scheduler.schedule(Duration.ofMillis(1), () -> ran.add("x"));
    handle.cancel();
    handle.cancel();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void zeroDelay_runsOnNextAdvanceNotInline() {
    List<String> ran = new ArrayList<>();
    scheduler.schedule(Duration.ZERO, () -> ran.add("now"));
    assertThat(ran).isEmpty();

    scheduler.advance(Duration.ZERO);

    assertThat(ran).containsExactly("now");
  }

  @Test
  void taskScheduledByTask_runsInSameAdvanceWhenDue() {
    List<String> ran = new ArrayList<>();
    scheduler.schedule(Duration.ofMillis(10), () -> {
      ran.add("outer");
      scheduler.schedule(Duration.ofMillis(5), () -> ran.add("inner"));
      scheduler.schedule(Duration.ofMillis(100), () -> ran.add("later"));
    });

    scheduler.advance(Duration.ofMillis(20));

    assertThat(ran).containsExactly("outer", "inner");
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }

  @Test
  void failingTask_doesNotStopOthers_andIsRethrown() {
    List<String> ran = new ArrayList<>();
    scheduler.schedule(Duration.ofMillis(1), () -> {
      throw new IllegalStateException("boom");
    });
    scheduler.schedule(Duration.ofMillis(2), () -> ran.add("second"));

    assertThatThrownBy(() -> scheduler.advance(Duration.ofMillis(5))).hasMessage("boom");
    assertThat(ran).containsExactly("second");
    assertThat(scheduler.nanoTime()).isEqualTo(Duration.ofMillis(5).toNanos());
  }

  @Test
  void advance_rejectsNegativeDuration() {
    assertThatThrownBy(() -> scheduler.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hugeDelay_doesNotOverflow() {
    scheduler.schedule(Duration.ofDays(365L * 1000), () -> {});
    scheduler.advance(Duration.ofDays(1));
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
  }
}
