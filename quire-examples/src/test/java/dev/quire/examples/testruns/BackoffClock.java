package dev.quire.examples.testruns;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.concurrent.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ManualScheduler} that records what is scheduled, so a test can wait (with a deadline)
 * until the coordinator has scheduled its backoff timer before moving the clock past it.
 */
final class BackoffClock implements Scheduler {

  private final ManualScheduler manual = new ManualScheduler();
  private final BlockingQueue<Duration> scheduled = new LinkedBlockingQueue<>();

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Cancellable cancellable = manual.schedule(delay, task);
    scheduled.add(delay);
    return cancellable;
  }

  @Override
  public Instant now() {
    return manual.now();
  }

  @Override
  public long nanoTime() {
    return manual.nanoTime();
  }

  /** Waits until someone schedules a task {@code delay} from now, then runs what falls due. */
  void advanceWhenScheduled(Duration delay) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      Duration next = scheduled.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("Nothing was scheduled " + delay + " ahead within 20 s");
      }
      if (next.equals(delay)) {
        manual.advance(delay);
        return;
      }
    }
  }
}
