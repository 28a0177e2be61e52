package dev.quire.jdbc;

import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.concurrent.NamedThreadFactory;
import dev.quire.consistency.StreamKey;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.store.RevisionMismatchException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Quire processes on one PostgreSQL database, simulated by two independent pools and stores:
 * the unique key and the append lock keep streams and the ordinal feed correct between them.
 */
class PostgresConcurrencyTest {

  private static final long WAIT_SECONDS = 10;

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private QuireDatabase databaseA;
  private QuireDatabase databaseB;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private ExecutorService executor;

  @BeforeEach
  void open() {
    databaseA = QuireDatabase.open(postgres.url());
    databaseB = QuireDatabase.open(postgres.url());
    Databases.clear(databaseA);
    executor = Executors.newCachedThreadPool(NamedThreadFactory.daemon("pg-concurrency"));
  }

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    for (AutoCloseable closeable : closeables.reversed()) {
      closeable.close();
    }
    databaseB.close();
    databaseA.close();
  }

  @Test
  @Timeout(60)
  void two_processes_racing_for_one_revision_store_one_operation_and_the_loser_sees_the_real_head() throws Exception {
    JdbcOperationStore a = store(databaseA, JdbcOperationStore.AppendHook.NONE);
    JdbcOperationStore b = store(databaseB, JdbcOperationStore.AppendHook.NONE);
    for (int round = 0; round < 20; round++) {
      StreamKey key = stream("race-" + round);
      a.append(batch(append(key, operations(0, 1))));
      CyclicBarrier barrier = new CyclicBarrier(2);
      List<Future<List<OperationWithContext>>> futures = new ArrayList<>();
      for (JdbcOperationStore store : List.of(a, b)) {
        futures.add(executor.submit(() -> {
          barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
          return store.append(batch(append(key, operations(1, 2))));
        }));
      }

      int winners = 0;
      List<Throwable> failures = new ArrayList<>();
      for (Future<List<OperationWithContext>> future : futures) {
        try {
          future.get(WAIT_SECONDS, TimeUnit.SECONDS);
          winners++;
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        }
      }

      assertThat(winners).as("winners in round %d", round).isEqualTo(1);
      assertThat(failures).singleElement().isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
        assertThat(e.expected()).isEqualTo(1);
        assertThat(e.actual()).isEqualTo(3);
      });
      assertThat(b.getRevisions(key.documentId(), Scopes.MAIN_BRANCH)).containsExactly(Map.entry(Scopes.GLOBAL, 3L));
    }
    assertThat(countRows("SELECT count(*) FROM quire_operations")).isEqualTo(20 * 3);
  }

  @Test
  @Timeout(60)
  void a_tailer_never_skips_an_operation_whose_transaction_took_its_ordinal_first_but_commits_later() throws Exception {
    CountDownLatch firstHoldsItsOrdinal = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    JdbcOperationStore first = store(databaseA, ordinals -> {
      if (firstHoldsItsOrdinal.getCount() > 0) {
        firstHoldsItsOrdinal.countDown();
        releaseFirst.await(WAIT_SECONDS, TimeUnit.SECONDS);
      }
    });
    JdbcOperationStore second = store(databaseB, JdbcOperationStore.AppendHook.NONE);
    JdbcOperationStore tailer = store(databaseB, JdbcOperationStore.AppendHook.NONE);

    // T1 has chosen ordinal 1 and inserted its row, but has not committed.
    CompletableFuture<List<OperationWithContext>> t1 = first.appendAsync(batch(append(stream("t1"), operations(0, 1))));
    assertThat(firstHoldsItsOrdinal.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // T2, another process, appends and would commit first if it could take a later ordinal now.
    CompletableFuture<List<OperationWithContext>> t2 = second.appendAsync(batch(append(stream("t2"), operations(0, 1))));
    awaitAdvisoryLockWaiter();

    assertThat(tailer.getSinceOrdinal(0, 100)).isEmpty();
    assertThat(t2).isNotDone();

    releaseFirst.countDown();
    long ordinal1 = t1.get(WAIT_SECONDS, TimeUnit.SECONDS).get(0).ordinal();
    long ordinal2 = t2.get(WAIT_SECONDS, TimeUnit.SECONDS).get(0).ordinal();

    assertThat(ordinal1).isLessThan(ordinal2);
    assertThat(tailer.getSinceOrdinal(0, 100)).extracting(OperationWithContext::documentId).containsExactly("t1", "t2");
  }

  @Test
  @Timeout(60)
  void a_tailer_sees_every_operation_of_two_processes_once_and_in_order() throws Exception {
    JdbcOperationStore a = store(databaseA, JdbcOperationStore.AppendHook.NONE);
    JdbcOperationStore b = store(databaseB, JdbcOperationStore.AppendHook.NONE);
    int writersPerProcess = 3;
    int appendsPerWriter = 60;
    int total = 2 * writersPerProcess * appendsPerWriter;
    CyclicBarrier barrier = new CyclicBarrier(2 * writersPerProcess + 1);

    Future<List<Long>> reader = executor.submit(() -> {
      barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
      List<Long> seen = new ArrayList<>();
      long after = 0;
      while (seen.size() < total) {
        for (OperationWithContext op : b.getSinceOrdinal(after, 13)) {
          seen.add(op.ordinal());
          after = op.ordinal();
        }
      }
      return seen;
    });
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 2 * writersPerProcess; w++) {
      JdbcOperationStore store = w % 2 == 0 ? a : b;
      StreamKey key = stream("tail-" + w);
      writers.add(executor.submit(() -> {
        barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < appendsPerWriter; i++) {
          store.append(batch(append(key, operations(i, 1))));
        }
        return null;
      }));
    }
    for (Future<?> writer : writers) {
      writer.get(30, TimeUnit.SECONDS);
    }

    assertThat(reader.get(30, TimeUnit.SECONDS))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  @Test
  @Timeout(60)
  void a_writer_that_bypasses_the_append_lock_still_cannot_store_a_second_operation_at_an_index() throws Exception {
    JdbcOperationStore setup = store(databaseA, JdbcOperationStore.AppendHook.NONE);
    setup.append(batch(append(stream("doc"), operations(0, 1))));
    JdbcOperationStore store = store(databaseB, new JdbcOperationStore.AppendHook() {
      private boolean raced;

      @Override
      public void beforeInsert() throws Exception {
        if (!raced) {
          raced = true;
          // Another writer (not taking the lock) commits index 1 after our validation.
          try (Connection c = postgres.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO quire_operations (ordinal, job_id, op_id, document_id, document_type, scope,"
                + " branch, op_index, skip, op_timestamp, hash, action_type, action) VALUES (1000, 'rogue', 'rogue-op',"
                + " 'doc', 'quire/test', 'global', 'main', 1, 0, '2026-01-01T00:00:00.000000000Z', 'h', 'T',"
                + " '{\"id\":\"a\",\"type\":\"T\",\"scope\":\"global\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"input\":null}')");
          }
        }
      }

      @Override
      public void beforeCommit(List<Long> ordinals) {}
    });

    assertThat(executor.submit(() -> store.append(batch(append(stream("doc"), operations(1, 1)))))
        ).failsWithin(java.time.Duration.ofSeconds(WAIT_SECONDS))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.actual()).isEqualTo(2);
        });
    assertThat(countRows("SELECT count(*) FROM quire_operations WHERE document_id = 'doc' AND op_index = 1"))
        .isEqualTo(1);
  }

  @Test
  void durabilityNormal_turnsSynchronousCommitOff() throws Exception {
    try (QuireDatabase normal =
        QuireDatabase.open(postgres.url(), DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL))) {
      try (Connection c = normal.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("off");
      }
    }
    try (Connection c = databaseA.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("on");
    }
  }

  private JdbcOperationStore store(QuireDatabase database, JdbcOperationStore.AppendHook hook) {
    JdbcOperationStore store = new JdbcOperationStore(database, JdbcOperationStore.DEFAULT_MAX_GROUP_SIZE, hook);
    closeables.add(store);
    return store;
  }

  /** Waits until some session waits for an advisory lock in this database (the second appender). */
  private void awaitAdvisoryLockWaiter() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (countRows("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the second appender never waited for the append lock");
      }
      Thread.onSpinWait();
    }
  }

  private long countRows(String query) throws SQLException {
    try (Connection c = postgres.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
