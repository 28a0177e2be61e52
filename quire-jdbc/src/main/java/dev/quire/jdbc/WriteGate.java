package dev.quire.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQLite: queues this process's write transactions (operation store, document view, indexer) on a
 * fair Java lock before they ask SQLite for its single write lock. SQLite's own busy handler polls
 * with sleeps of 1 to 100 ms, so writers of one process that met only on SQLite's lock handed it on
 * milliseconds late and could starve each other; the Java lock hands it on at once, in arrival
 * order. SQLite's lock and busy timeout still serialise against other processes.
 *
 * <p>A writer that cannot get the gate within the busy timeout goes on without it, so SQLite
 * decides (and reports {@code SQLITE_BUSY}) exactly as without the gate. On PostgreSQL the gate is
 * open: its writers serialise on advisory locks, and the read models may commit in parallel.
 *
 * <p>Concurrency: thread-safe; a permit must be closed by the thread that took it.
 */
final class WriteGate {

  /** A held (or skipped) gate; closing it lets the next writer in. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private static final Permit OPEN = () -> {};

  private final ReentrantLock lock;
  private final long timeoutNanos;

  private WriteGate(ReentrantLock lock, Duration timeout) {
    this.lock = lock;
    this.timeoutNanos = timeout.toNanos();
  }

  static WriteGate forDialect(Dialect dialect, Duration busyTimeout) {
    return new WriteGate(dialect == Dialect.SQLITE ? new ReentrantLock(true) : null, busyTimeout);
  }

  /** Waits for the gate; take it before borrowing the connection of a write transaction. */
  Permit enter() {
    if (lock == null) {
      return OPEN;
    }
    boolean acquired;
    try {
      acquired = lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // Keep the interrupt for the caller; SQLite's busy handler decides instead.
      Thread.currentThread().interrupt();
      return OPEN;
    }
    return acquired ? lock::unlock : OPEN;
  }

  /** Test seam: how many threads wait for the gate. */
  int waiting() {
    return lock == null ? 0 : lock.getQueueLength();
  }
}
