package dev.quire.concurrent;

import java.time.Duration;
import java.time.Instant;

/**
 * Time and delayed work, injected so tests can control both (a manual scheduler lives in the core
 * test-jar: {@code dev.quire.concurrent.ManualScheduler}).
 */
public interface Scheduler {

  /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run yet. */
  Cancellable schedule(Duration delay, Runnable task);

  /** The current instant of this scheduler's clock. */
  Instant now();

  /** Monotonic nanoseconds, for measuring durations. */
  long nanoTime();

  /** A shared scheduler on one daemon thread, backed by the system clock. */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** A handle on scheduled work. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; idempotent. */
    void cancel();
  }
}
