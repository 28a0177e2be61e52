package dev.quire.jdbc;

import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The background checkpoint's restarts of the write-ahead log, and the database file's flush they rely on. */
class WalCheckpointerTest {

  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dir;

  private QuireDatabase database;
  private JdbcOperationStore store;
  private DatabaseFileFlusher flusher;
  private int appended;

  @BeforeEach
  void open() {
    database = QuireDatabase.open(Databases.sqliteUrl(dir));
    database.stopBackgroundCheckpoints(); // its passes would race the test's own
    store = new JdbcOperationStore(database);
    flusher = new DatabaseFileFlusher(dir.resolve("quire.db"));
  }

  @AfterEach
  void close() {
    store.close();
    database.close();
    flusher.close(); // after every SQLite connection to the file, as QuireDatabase does
  }

  private void appendSome() {
    for (int i = 0; i < 10; i++) {
      store.append(batch(append(stream("doc"), operations(appended, 20))));
      appended += 20;
    }
  }

  /** Frames in the log now (a PASSIVE pass of its own, which never restarts it). */
  private long framesInLog() throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      return rs.getLong(2);
    }
  }

  @ParameterizedTest(name = "flush every pass: {0}")
  @ValueSource(booleans = {true, false})
  void a_pass_over_a_log_of_the_restart_size_restarts_it_holding_the_write_gate(boolean flushEveryPass)
      throws Exception {
    appendSome();
    try (WalCheckpointer checkpointer = new WalCheckpointer(database.dataSource(), NEVER, database.writeGate(),
        flusher, (int) framesInLog(), flushEveryPass)) {
      CompletableFuture<Long> pass;
      try (WriteGate.Permit held = database.writeGate().enter()) {
        pass = CompletableFuture.supplyAsync(checkpointer::checkpoint);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (database.writeGate().waiting() == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(database.writeGate().waiting()).as("the pass waits for the gate").isEqualTo(1);
        assertThat(pass).isNotDone();
      }
      assertThat(pass.get(5, TimeUnit.SECONDS)).isZero();
    }

    int restartsBefore = walRestarts();

    appendSome();

    assertThat(walRestarts()).as("the next commit wrote the log from its start").isGreaterThan(restartsBefore);
  }

  @Test
  void frames_committed_during_the_flush_before_a_restart_are_copied_before_it_holds_the_writers()
      throws Exception {
    appendSome();
    ExecutorService gateHolder = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    flusher.close(); // never opened: closing it before the database releases nothing
    flusher = new DatabaseFileFlusher(dir.resolve("quire.db")) {
      private boolean first = true;

      @Override
      synchronized boolean flush() {
        if (first) {
          first = false;
          appendSome(); // a writer commits while the pass's flush runs
          CountDownLatch held = new CountDownLatch(1);
          gateHolder.submit(() -> {
            try (WriteGate.Permit permit = database.writeGate().enter()) {
              held.countDown();
              release.await();
            }
            return null;
          });
          await(held);
        }
        return super.flush();
      }
    };
    try (WalCheckpointer checkpointer = new WalCheckpointer(database.dataSource(), NEVER, database.writeGate(),
        flusher, (int) framesInLog(), true)) {
      CompletableFuture<Long> pass = CompletableFuture.supplyAsync(checkpointer::checkpoint);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (database.writeGate().waiting() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(database.writeGate().waiting()).as("the restart waits for the gate").isEqualTo(1);
      int[] log = walIndex();
      assertThat(log[1]).as("frames copied back before the restart held the writers").isEqualTo(log[0]);
      release.countDown();
      assertThat(pass.get(5, TimeUnit.SECONDS)).isZero();
    } finally {
      release.countDown();
      gateHolder.shutdown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The frames in the log and those copied back to the database file, from the WAL index (the
   * {@code -shm} file, in the machine's byte order): its header's {@code mxFrame} and the checkpoint
   * information's {@code nBackfill}, read without a checkpoint of our own, which would copy frames.
   */
  private int[] walIndex() throws IOException {
    try (FileChannel shm = FileChannel.open(dir.resolve("quire.db-shm"), StandardOpenOption.READ)) {
      ByteBuffer index = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
      shm.read(index, 0);
      return new int[] {index.getInt(16), index.getInt(96)};
    }
  }

  /** The WAL header's checkpoint sequence number, which each restart of the log increments. */
  private int walRestarts() throws IOException {
    try (FileChannel wal = FileChannel.open(dir.resolve("quire.db-wal"), StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(16);
      wal.read(header, 0);
      return header.getInt(12);
    }
  }

  @Test
  void a_pass_over_a_shorter_log_or_without_a_working_flusher_never_takes_the_write_gate() throws Exception {
    appendSome();
    long frames = framesInLog();
    DatabaseFileFlusher closed = new DatabaseFileFlusher(dir.resolve("quire.db"));
    closed.close();
    try (WalCheckpointer shortLog = new WalCheckpointer(database.dataSource(), NEVER, database.writeGate(),
            flusher, (int) frames + 1, true);
        WalCheckpointer noFlusher = new WalCheckpointer(database.dataSource(), NEVER, database.writeGate(),
            closed, 1, true);
        WriteGate.Permit held = database.writeGate().enter()) {
      assertThat(CompletableFuture.supplyAsync(shortLog::checkpoint).get(5, TimeUnit.SECONDS)).isZero();
      assertThat(CompletableFuture.supplyAsync(noFlusher::checkpoint).get(5, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void a_restart_put_off_by_a_busy_writer_is_tried_again_only_some_passes_later() throws Exception {
    appendSome();
    try (WalCheckpointer checkpointer = new WalCheckpointer(database.dataSource(), NEVER, database.writeGate(),
            flusher, (int) framesInLog(), true);
        Connection otherWriter = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("quire.db"));
        Statement other = otherWriter.createStatement()) {
      other.execute("BEGIN IMMEDIATE"); // SQLite's write lock, held outside this process's write gate
      assertThat(checkpointer.checkpoint()).as("the restart gives up after its wait").isZero();
      other.execute("ROLLBACK");

      CompletableFuture<Long> retry;
      WriteGate.Permit held = database.writeGate().enter();
      try {
        for (int pass = 1; pass < WalCheckpointer.PASSES_AFTER_PUT_OFF; pass++) {
          assertThat(CompletableFuture.supplyAsync(checkpointer::checkpoint).get(5, TimeUnit.SECONDS))
              .as("pass %d after the put-off, without the gate", pass).isZero();
        }
        retry = CompletableFuture.supplyAsync(checkpointer::checkpoint);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (database.writeGate().waiting() == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(database.writeGate().waiting()).as("the retry waits for the gate").isEqualTo(1);
      } finally {
        held.close();
      }
      assertThat(retry.get(5, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void the_flusher_flushes_until_closed_and_gives_up_for_good_on_a_file_it_cannot_open() {
    assertThat(flusher.flush()).isTrue();
    assertThat(flusher.usable()).isTrue();

    DatabaseFileFlusher missing = new DatabaseFileFlusher(dir.resolve("no-such-folder/quire.db"));
    assertThat(missing.flush()).isFalse();
    assertThat(missing.usable()).isFalse();

    DatabaseFileFlusher closed = new DatabaseFileFlusher(dir.resolve("quire.db"));
    closed.close();
    assertThat(closed.flush()).isFalse();
    assertThat(closed.usable()).isFalse();
  }
}
