package dev.quire.job;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.concurrent.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ManualScheduler} that also records every delay it is asked to schedule, so a test can
 * block (with a deadline) until another thread has scheduled something, then advance the clock.
 */
final class RecordingScheduler implements Scheduler {

  final ManualScheduler manual = new ManualScheduler();
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

  /** The next delay scheduled by anyone, waiting up to 5 s for it. */
  Duration nextScheduled() throws InterruptedException {
    Duration delay = scheduled.poll(5, TimeUnit.SECONDS);
    if (delay == null) {
      throw new AssertionError("Nothing was scheduled within 5 s");
    }
    return delay;
  }

  void advance(Duration duration) {
    manual.advance(duration);
  }
}
