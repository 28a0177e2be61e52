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
 * writers do not, and restarts the log before it grows large.
 *
 * <p><b>Passes.</b> By default SQLite checkpoints inside the commit that pushes the WAL past 1,000
 * pages: that commit copies the pages (and, with {@code synchronous=NORMAL}, waits for an fsync of
 * the database file) while the write lock and every job of its group wait behind it. Here this
 * thread runs a {@code PASSIVE} checkpoint every interval: it never waits for the write lock or
 * for readers, copies each page once however often it was rewritten since the last pass, and
 * leaves what it cannot copy yet for the next pass.
 *
 * <p><b>Restarts.</b> Under steady writes that is not enough. SQLite syncs the database file only
 * in a pass that ends at the log's live end, which a pass racing commits never does, and it starts
 * writing the log from the beginning again only when a writer begins after every frame was copied
 * and no reader still uses the log: with commits every millisecond and readers always present,
 * never. The log then grew to the write path's backstop (50,000 pages then), whose
 * checkpoint ran inside a commit, under the write gate, and flushed every page copied since the
 * last restart: 35 to 55 ms in which no job was written, every few seconds (p99 submit to
 * READ_READY 38 to 46 ms at 5,000 jobs/s once steady). So this thread also flushes the database
 * file (through {@link DatabaseFileFlusher}, outside the gate) after each pass that copied pages,
 * or with {@code synchronous=FULL} only before a restart (there every commit already waits for an
 * fsync of the log, and flushes every pass queued with them: closed loop -5 %, open-loop p90 4.6
 * to 9.1 ms), and once the log holds {@value #RESTART_PAGES} frames it takes the write gate and runs a
 * {@code RESTART} checkpoint, after catching up ({@code catchUp}) outside the gate with what
 * was committed during the flush: only the last milliseconds' frames are left to copy and flush,
 * and readers are waited for at most {@value #RESTART_WAIT_MILLIS} ms, so writers wait about 3 to
 * 5 ms once per {@value #RESTART_PAGES} frames. A restart put off by a reader
 * is tried again {@value #PASSES_AFTER_PUT_OFF} passes later. If the file cannot be flushed from
 * here, restarts are left to the backstop as before.
 *
 * <p>Concurrency: one daemon thread; {@link #close()} stops it after the pass in progress.
 */
final class WalCheckpointer implements AutoCloseable {

  /**
   * The write path's own checkpoint threshold while this runs (4 KiB pages: about 320 MiB of WAL),
   * twice {@link #RESTART_PAGES}: a backstop should this thread fall behind or stop.
   */
  static final int FALLBACK_PAGES = 80_000;
  /**
   * Frames in the log from which a pass restarts it (4 KiB pages: about 160 MiB of WAL file). Against
   * 20,000: closed-loop p99 12-13 ms instead of 15-16 (half the restarts), open loop the same.
   */
  static final int RESTART_PAGES = 40_000;
  /** How long a restart waits, holding the write gate, for readers still using the log. */
  static final int RESTART_WAIT_MILLIS = 50;
  /** Passes and flushes outside the write gate right before a restart (see {@link #catchUp}). */
  static final int CATCH_UP_ROUNDS = 2;
  /** Passes to skip after a restart was put off, so a long reader does not hold writers every pass. */
  static final int PASSES_AFTER_PUT_OFF = 10;

  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  private final DataSource dataSource;
  private final WriteGate gate;
  private final DatabaseFileFlusher flusher;
  private final int restartPages;
  private final boolean flushEveryPass;
  private final ScheduledExecutorService thread;
  private final AtomicReference<Thread> worker = new AtomicReference<>();
  private volatile boolean failedBefore;
  // Checkpoint thread only: frames copied (since the log's last restart) when the file was last flushed.
  private long flushedUpTo;
  // Checkpoint thread only: passes left before a put-off restart is tried again.
  private int restartPause;

  /**
   * @param gate taken around a restart, so no writer of this process commits during it
   * @param flusher flushes the database file after a pass; once it cannot, no restarts from here
   * @param restartPages frames in the log from which a pass restarts it
   * @param flushEveryPass flush after every pass that copied pages (else only before a restart)
   */
  WalCheckpointer(DataSource dataSource, Duration interval, WriteGate gate, DatabaseFileFlusher flusher,
      int restartPages, boolean flushEveryPass) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.flusher = Objects.requireNonNull(flusher, "flusher");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    if (restartPages < 1) {
      throw new IllegalArgumentException("restartPages must be positive, got " + restartPages);
    }
    this.restartPages = restartPages;
    this.flushEveryPass = flushEveryPass;
    ThreadFactory named = NamedThreadFactory.daemon("quire-sqlite-checkpoint");
    this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = named.newThread(task);
      worker.set(t);
      return t;
    });
    long nanos = interval.toNanos();
    thread.scheduleWithFixedDelay(this::checkpoint, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * One PASSIVE pass, the file's flush and, when the log is long enough, a restart; returns the
   * WAL frames the pass left uncopied (0 when it copied all), -1 on failure.
   */
  long checkpoint() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      Pass pass = passive(s);
      if (pass == null) {
        return 0; // another connection's checkpoint was running: the next pass
      }
      long frames = pass.frames();
      long copied = pass.copied();
      if (restartPause > 0) {
        restartPause--;
      }
      boolean restart = frames >= restartPages && restartPause == 0 && flusher.usable();
      if (copied != flushedUpTo && (flushEveryPass || restart) && flusher.flush()) {
        flushedUpTo = copied;
      }
      if (restart && flusher.usable()) {
        catchUp(s);
      }
      if (restart && flusher.usable()) { // a flush just now may have failed
        if (restart(s)) {
          flushedUpTo = 0;
        } else {
          restartPause = PASSES_AFTER_PUT_OFF;
        }
      }
      failedBefore = false;
      return frames - copied;
    } catch (SQLException | RuntimeException e) {
      // The pool may be closing, or the disk full: the write path's fallback still bounds the WAL.
      if (!failedBefore) {
        log.warn("WAL checkpoint failed (retrying every pass; logged once until it succeeds): {}", e.toString());
      }
      failedBefore = true;
      return -1;
    }
  }

  /**
   * Before a restart, copies and flushes, without holding writers, the frames committed while the
   * pass's flush ran: that flush takes tens of milliseconds with a long log, and the restart would
   * otherwise copy and flush those frames with every writer held (16-25 ms at 10,000 jobs/s on
   * SQLite NORMAL, once a second: the open loop's p99). Each round's flush is shorter than the one
   * before, so the frames left for the restart are only the last few milliseconds'.
   */
  private void catchUp(Statement s) throws SQLException {
    for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
      Pass pass = passive(s);
      if (pass == null || pass.copied() == flushedUpTo || !flusher.flush()) {
        return;
      }
      flushedUpTo = pass.copied();
    }
  }

  /** What a PASSIVE checkpoint reported: frames in the log and frames copied back to the file. */
  private record Pass(long frames, long copied) {}

  /** A PASSIVE checkpoint; null when SQLite reports none ran (another connection's was running: -1). */
  private static Pass passive(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // Columns: busy flag, frames in the WAL, frames copied back.
      if (!rs.next() || rs.getLong(2) < 0) {
        return null;
      }
      return new Pass(rs.getLong(2), rs.getLong(3));
    }
  }

  /**
   * Copies the last frames and has the next writer start the log again, with this process's writers
   * held; false if a reader (or another process's writer) kept it from finishing in time.
   */
  @SuppressWarnings("try") // the permit is held for the block, not used in it
  private boolean restart(Statement s) throws SQLException {
    long started = System.nanoTime();
    long busyTimeout;
    try (ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
      busyTimeout = rs.next() ? rs.getLong(1) : 0;
    }
    boolean restarted;
    try (WriteGate.Permit permit = gate.enter()) {
      s.execute("PRAGMA busy_timeout = " + RESTART_WAIT_MILLIS);
      try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
        restarted = rs.next() && rs.getInt(1) == 0;
      } finally {
        s.execute("PRAGMA busy_timeout = " + busyTimeout);
      }
    }
    log.debug("WAL restart {} in {} µs", restarted ? "done" : "put off (a reader or writer was busy)",
        (System.nanoTime() - started) / 1_000);
    return restarted;
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
