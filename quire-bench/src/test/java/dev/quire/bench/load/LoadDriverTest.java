package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loops and the window of {@link LoadDriver}, with jobs that only take notes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadDriverTest {

  private static final Duration FINISH = Duration.ofSeconds(20);

  @Test
  void closedLoop_countBounded_runsEachTicketOnceAndClosesTheWindowAfterTheLastJob() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.CLOSED, 4, 0, "test", FINISH);
    Set<Long> tickets = ConcurrentHashMap.newKeySet();
    AtomicLong lastJobEnd = new AtomicLong();
    AtomicInteger closed = new AtomicInteger();

    long end = driver.run(null, 50, (ticket, start) -> {
      tickets.add(ticket);
      lastJobEnd.accumulateAndGet(System.nanoTime(), Math::max);
    }, LoadDriver.NO_LAG, closed::incrementAndGet);

    assertThat(tickets).hasSize(50).allMatch(ticket -> ticket >= 0 && ticket < 50);
    assertThat(closed).hasValue(1);
    assertThat(end).isGreaterThanOrEqualTo(lastJobEnd.get());
  }

  @Test
  void closedLoop_timed_closesTheWindowAtTheDeadlineAndThenLetsJobsInFlightFinish() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.CLOSED, 1, 0, "test", FINISH);
    CountDownLatch windowClosed = new CountDownLatch(1);
    AtomicBoolean finishedAfterWindow = new AtomicBoolean();
    long before = System.nanoTime();

    long end = driver.run(Duration.ofMillis(50), -1, (ticket, start) -> {
      // The only client's first job outlives the phase: it ends only once the window is closed.
      windowClosed.await();
      finishedAfterWindow.set(true);
    }, LoadDriver.NO_LAG, windowClosed::countDown);

    assertThat(finishedAfterWindow).isTrue();
    assertThat(end - before).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void ticketsGoOnAcrossPhases() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.CLOSED, 1, 0, "test", FINISH);
    List<Long> tickets = new CopyOnWriteArrayList<>();

    driver.run(null, 3, (ticket, start) -> tickets.add(ticket), LoadDriver.NO_LAG, () -> { });
    driver.run(null, 2, (ticket, start) -> tickets.add(ticket), LoadDriver.NO_LAG, () -> { });

    assertThat(tickets).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void openLoop_startsJobsAtTheirIntendedTimes_whateverTheJobsBeforeThemDo() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.OPEN, 1, 1_000, "test", FINISH);
    CountDownLatch lastStarted = new CountDownLatch(1);
    List<Long> starts = new CopyOnWriteArrayList<>();
    AtomicInteger lags = new AtomicInteger();

    driver.run(null, 5, (ticket, start) -> {
      starts.add(start);
      if (ticket == 0) {
        lastStarted.await(); // a stalled job must not hold the next ones back
      } else if (ticket == 4) {
        lastStarted.countDown();
      }
    }, lag -> lags.incrementAndGet(), () -> { });

    assertThat(starts).hasSize(5);
    assertThat(lags).hasValue(5);
    List<Long> sorted = starts.stream().sorted().toList();
    for (int i = 1; i < sorted.size(); i++) {
      // 1,000 jobs/s: intended starts 1 ms apart, however late each thread actually ran.
      assertThat(sorted.get(i) - sorted.get(i - 1)).isBetween(999_000L, 1_001_000L);
    }
  }

  @Test
  void openLoop_timed_closesTheWindowAfterTheLastSubmissionAndWaitsForJobsInFlight() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.OPEN, 1, 200, "test", FINISH);
    CountDownLatch windowClosed = new CountDownLatch(1);
    AtomicInteger finishedAfterWindow = new AtomicInteger();
    AtomicInteger jobs = new AtomicInteger();

    driver.run(Duration.ofMillis(50), -1, (ticket, start) -> {
      jobs.incrementAndGet();
      windowClosed.await();
      finishedAfterWindow.incrementAndGet();
    }, LoadDriver.NO_LAG, windowClosed::countDown);

    // 200 jobs/s over 50 ms: the intended starts 0, 5, ..., 45 ms.
    assertThat(jobs).hasValue(10);
    assertThat(finishedAfterWindow).hasValue(10);
  }

  @Test
  void aJobThatThrowsEndsTheRunAtOnce() {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.CLOSED, 2, 0, "test", FINISH);
    AtomicInteger jobs = new AtomicInteger();

    assertThatThrownBy(() -> driver.run(Duration.ofMinutes(10), -1, (ticket, start) -> {
      if (jobs.incrementAndGet() == 5) {
        throw new IllegalStateException("injected");
      }
    }, LoadDriver.NO_LAG, () -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("injected");
  }

  @Test
  void openLoop_jobsThatDoNotFinishInTimeEndTheRun() {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.OPEN, 1, 1_000, "test", Duration.ofMillis(100));
    CountDownLatch never = new CountDownLatch(1);

    assertThatThrownBy(() -> driver.run(null, 2, (ticket, start) -> never.await(), LoadDriver.NO_LAG, () -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 jobs did not finish");
  }

  @Test
  void progress_goesByTimeInATimedPhaseAndByJobsInACountBoundedOne() throws Exception {
    LoadDriver driver = new LoadDriver(LoadConfig.Mode.CLOSED, 1, 0, "test", FINISH);
    assertThat(driver.progress(0)).isEqualTo(-1);

    driver.run(Duration.ofMillis(20), -1, (ticket, start) -> { }, LoadDriver.NO_LAG, () -> { });
    assertThat(driver.progress(0)).isGreaterThanOrEqualTo(1);

    driver.run(null, 8, (ticket, start) -> { }, LoadDriver.NO_LAG, () -> { });
    assertThat(driver.progress(2)).isEqualTo(0.25);
  }
}
