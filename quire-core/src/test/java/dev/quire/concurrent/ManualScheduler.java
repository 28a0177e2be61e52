package dev.quire.concurrent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock only moves when a test calls {@link #advance(Duration)}. Due tasks
 * run on the calling thread, in deadline order (ties in scheduling order), with the clock set to
 * each task's deadline while it runs; tasks scheduled by a running task that fall due within the
 * same advance run in that advance too.
 *
 * <p>{@code schedule(Duration.ZERO, task)} does not run the task inline: it runs on the next
 * {@code advance} (use {@code advance(Duration.ZERO)} to run only what is due now).
 *
 * <p>Concurrency: all state is guarded by {@code this}; tasks run outside the lock, so a task may
 * schedule or cancel other tasks, and other threads may schedule while a test advances the clock.
 */
public final class ManualScheduler implements Scheduler {

  private final Instant start;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long elapsedNanos;
  private long sequence;

  public ManualScheduler() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  public ManualScheduler(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    long delayNanos = Math.max(0L, saturatedNanos(delay));
    Task scheduled;
    synchronized (this) {
      scheduled = new Task(saturatedAdd(elapsedNanos, delayNanos), sequence++, task);
      queue.add(scheduled);
    }
    return () -> {
      synchronized (ManualScheduler.this) {
        queue.remove(scheduled);
      }
    };
  }

  /**
   * Moves the clock forward by {@code duration}, running every task that falls due on the way.
   * If tasks throw, the remaining due tasks still run and the first failure is rethrown at the end.
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("Cannot move the clock backwards: " + duration);
    }
    long target;
    synchronized (this) {
      target = saturatedAdd(elapsedNanos, saturatedNanos(duration));
    }
    List<RuntimeException> failures = new ArrayList<>();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.deadlineNanos > target) {
          elapsedNanos = Math.max(elapsedNanos, target);
          break;
        }
        queue.poll();
        elapsedNanos = Math.max(elapsedNanos, next.deadlineNanos);
      }
      try {
        next.task.run();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  @Override
  public synchronized Instant now() {
    return start.plusNanos(elapsedNanos);
  }

  @Override
  public synchronized long nanoTime() {
    return elapsedNanos;
  }

  /** Tasks scheduled, not yet run and not cancelled. */
  public synchronized int pendingTasks() {
    return queue.size();
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static final class Task implements Comparable<Task> {
    final long deadlineNanos;
    final long sequence;
    final Runnable task;

    Task(long deadlineNanos, long sequence, Runnable task) {
      this.deadlineNanos = deadlineNanos;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public int compareTo(Task other) {
      int byDeadline = Long.compare(deadlineNanos, other.deadlineNanos);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }
}
