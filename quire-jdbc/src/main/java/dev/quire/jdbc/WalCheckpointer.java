package dev.quire.jdbc;

import dev.quire.concurrent.NamedThreadFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file on a background thread, so that
 * writers do not. By default SQLite checkpoints inside the commit that pushes the WAL past 1,000
 * pages: that commit copies the pages (and, with {@code synchronous=NORMAL}, waits for an fsync
 * of the database file) while the write lock and every job of its group wait behind it. Here the
 * write path's automatic checkpoint is raised to {@value #FALLBACK_PAGES} pages (a backstop should
 * this thread fall behind or stop) and this thread runs a {@code PASSIVE} checkpoint every
 * interval: it never waits for the write lock or for readers, copies each page once however often
 * it was rewritten since the last pass, and leaves what it cannot copy yet for the next pass.
 *
 * <p>Concurrency: one daemon thread; {@link #close()} stops it after the pass in progress.
 */
final class WalCheckpointer implements AutoCloseable {

  /** The write path's own checkpoint threshold while this runs (4 KiB pages: about 200 MiB of WAL). */
  static final int FALLBACK_PAGES = 50_000;

  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  private final DataSource dataSource;
  private final ScheduledExecutorService thread;
  private final AtomicReference<Thread> worker = new AtomicReference<>();
  private volatile boolean failedBefore;

  WalCheckpointer(DataSource dataSource, Duration interval) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    ThreadFactory named = NamedThreadFactory.daemon("quire-sqlite-checkpoint");
    this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = named.newThread(task);
      worker.set(t);
      return t;
    });
    long nanos = interval.toNanos();
    thread.scheduleWithFixedDelay(this::checkpoint, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** One PASSIVE pass; returns the WAL frames left uncopied (0 when all were copied), -1 on failure. */
  long checkpoint() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      failedBefore = false;
      // Columns: busy flag, frames in the WAL, frames copied back.
      return rs.next() ? rs.getLong(2) - rs.getLong(3) : 0;
    } catch (SQLException | RuntimeException e) {
      // The pool may be closing, or the disk full: the write path's fallback still bounds the WAL.
      if (!failedBefore) {
        log.warn("WAL checkpoint failed (retrying every pass; logged once until it succeeds): {}", e.toString());
      }
      failedBefore = true;
      return -1;
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      if (thread.awaitTermination(10, TimeUnit.SECONDS) && worker.get() != null) {
        worker.get().join(); // gone when close returns, not merely idle
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
