package dev.quire.jdbc;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SQLite: read models of one database rebuild one at a time. Reading the store, decoding it and
 * SQLite's own work all run on this process's cores, so two rebuilds at once (the view's and the
 * indexer's on a first start) only shared them: on 2 cores, 1,000,000 operations took 5.3–5.6 s
 * for both at once against 4.9–5.2 s one after the other, and the view was ready only at the end.
 * On PostgreSQL the database does much of the work in its own processes and rebuilds run at once
 * (1.8–2.1 s for both against 2.7–3.0 s in turn, 200,000 operations).
 *
 * <p>Concurrency: thread-safe; a turn must be closed once, by the thread that took it.
 */
final class RebuildTurns {

  /** A held turn (or, on PostgreSQL, none needed); closing it lets the next rebuild in. */
  interface Turn extends AutoCloseable {
    @Override
    void close();
  }

  private final Semaphore turns;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger mostHeld = new AtomicInteger();

  private RebuildTurns(Semaphore turns) {
    this.turns = turns;
  }

  static RebuildTurns forDialect(Dialect dialect) {
    return new RebuildTurns(dialect == Dialect.SQLITE ? new Semaphore(1, true) : null);
  }

  /** Waits for this rebuild's turn. Not interruptible: a turn is always given back, in a finally. */
  Turn take() {
    if (turns != null) {
      turns.acquireUninterruptibly();
    }
    mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
    return () -> {
      held.decrementAndGet();
      if (turns != null) {
        turns.release();
      }
    };
  }

  /** Test seam: the most turns ever held at once. */
  int mostHeld() {
    return mostHeld.get();
  }
}
