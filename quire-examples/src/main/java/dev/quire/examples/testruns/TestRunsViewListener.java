package dev.quire.examples.testruns;

import dev.quire.listener.BatchHandler;
import dev.quire.listener.DomainEvent;
import dev.quire.listener.EventMetadata;
import dev.quire.listener.On;
import dev.quire.listener.ViewTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps {@code test_runs_view} (one row per live test run, with result counts) in step with the
 * test runs: seed 003's "Test Runs View Listener", as a Quire read model. SQLite SQL.
 *
 * <p>Every handler runs in the transaction Quire opened for the batch, on the connection it
 * passes; Quire commits it together with the listener's checkpoint. Handlers therefore never
 * commit, and they never see an event twice.
 *
 * <p>Creation and deletion ({@code document} scope) and the updates and results ({@code global}
 * scope) are two streams, which may reach the listener in either order. The SQL is written so the
 * final table is the same either way: creation only fills columns nothing else has set, counts are
 * recounted from {@code test_run_results_view}, {@code updated_at} keeps the latest timestamp, and
 * a deleted run leaves a tombstone in {@code test_runs_view_deleted} so a late result cannot bring
 * it back.
 */
public final class TestRunsViewListener implements ViewTables, BatchHandler<Connection> {

  @Override
  public void create(Connection tx) throws SQLException {
    try (Statement ddl = tx.createStatement()) {
      ddl.execute("""
          CREATE TABLE IF NOT EXISTS test_runs_view (
            id TEXT PRIMARY KEY,
            title TEXT,
            status TEXT,
            total_results INTEGER NOT NULL DEFAULT 0,
            passed INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            updated_at INTEGER NOT NULL)""");
      ddl.execute("""
          CREATE TABLE IF NOT EXISTS test_run_results_view (
            run_id TEXT NOT NULL,
            result_id TEXT NOT NULL,
            name TEXT NOT NULL,
            outcome TEXT NOT NULL,
            PRIMARY KEY (run_id, result_id))""");
      ddl.execute("CREATE TABLE IF NOT EXISTS test_runs_view_deleted (id TEXT PRIMARY KEY)");
    }
  }

  @Override
  public void reset(Connection tx) throws SQLException {
    try (Statement ddl = tx.createStatement()) {
      ddl.execute("DELETE FROM test_runs_view");
      ddl.execute("DELETE FROM test_run_results_view");
      ddl.execute("DELETE FROM test_runs_view_deleted");
    }
  }

  @On(TestRunCreated.class)
  void created(TestRunCreated event, EventMetadata meta, Connection tx) throws SQLException {
    if (isDeleted(tx, event.testRunId())) {
      return;
    }
    update(tx, """
        INSERT INTO test_runs_view (id, title, status, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
          title = COALESCE(test_runs_view.title, excluded.title),
          status = COALESCE(test_runs_view.status, excluded.status),
          updated_at = MAX(test_runs_view.updated_at, excluded.updated_at)""",
        event.testRunId(), event.title(), event.status().name(), meta.timestamp().toEpochMilli());
  }

  @On(TestRunUpdated.class)
  void updated(TestRunUpdated event, EventMetadata meta, Connection tx) throws SQLException {
    if (isDeleted(tx, event.testRunId())) {
      return;
    }
    update(tx, """
        INSERT INTO test_runs_view (id, title, status, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
          title = COALESCE(excluded.title, test_runs_view.title),
          status = COALESCE(excluded.status, test_runs_view.status),
          updated_at = MAX(test_runs_view.updated_at, excluded.updated_at)""",
        event.testRunId(), event.title(), event.status() == null ? null : event.status().name(),
        meta.timestamp().toEpochMilli());
  }

  @On(TestRunDeleted.class)
  void deleted(TestRunDeleted event, Connection tx) throws SQLException {
    update(tx, "DELETE FROM test_runs_view WHERE id = ?", event.testRunId());
    update(tx, "DELETE FROM test_run_results_view WHERE run_id = ?", event.testRunId());
    update(tx, "INSERT INTO test_runs_view_deleted (id) VALUES (?) ON CONFLICT (id) DO NOTHING", event.testRunId());
  }

  @On(TestRunResultCreated.class)
  void resultCreated(TestRunResultCreated event, EventMetadata meta, Connection tx) throws SQLException {
    if (touch(tx, event.testRunId(), meta)) {
      update(tx, """
          INSERT INTO test_run_results_view (run_id, result_id, name, outcome) VALUES (?, ?, ?, ?)
          ON CONFLICT (run_id, result_id) DO UPDATE SET name = excluded.name, outcome = excluded.outcome""",
          event.testRunId(), event.resultId(), event.name(), event.outcome().name());
    }
  }

  @On(TestRunResultUpdated.class)
  void resultUpdated(TestRunResultUpdated event, EventMetadata meta, Connection tx) throws SQLException {
    if (touch(tx, event.testRunId(), meta)) {
      update(tx, """
          UPDATE test_run_results_view SET name = COALESCE(?, name), outcome = COALESCE(?, outcome)
          WHERE run_id = ? AND result_id = ?""",
          event.name(), event.outcome() == null ? null : event.outcome().name(), event.testRunId(), event.resultId());
    }
  }

  @On(TestRunResultDeleted.class)
  void resultDeleted(TestRunResultDeleted event, EventMetadata meta, Connection tx) throws SQLException {
    if (touch(tx, event.testRunId(), meta)) {
      update(tx, "DELETE FROM test_run_results_view WHERE run_id = ? AND result_id = ?",
          event.testRunId(), event.resultId());
    }
  }

  /** Once per batch: recount the runs whose results changed (one recount however many results). */
  @Override
  public void onBatch(List<DomainEvent<?>> events, Connection tx) throws SQLException {
    Set<String> recount = new LinkedHashSet<>();
    for (DomainEvent<?> event : events) {
      switch (event.payload()) {
        case TestRunResultCreated e -> recount.add(e.testRunId());
        case TestRunResultUpdated e -> recount.add(e.testRunId());
        case TestRunResultDeleted e -> recount.add(e.testRunId());
        default -> {}
      }
    }
    if (recount.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = tx.prepareStatement("""
        UPDATE test_runs_view SET
          total_results = (SELECT COUNT(*) FROM test_run_results_view r WHERE r.run_id = test_runs_view.id),
          passed = (SELECT COUNT(*) FROM test_run_results_view r WHERE r.run_id = test_runs_view.id AND r.outcome = 'PASSED'),
          failed = (SELECT COUNT(*) FROM test_run_results_view r WHERE r.run_id = test_runs_view.id AND r.outcome = 'FAILED'),
          skipped = (SELECT COUNT(*) FROM test_run_results_view r WHERE r.run_id = test_runs_view.id AND r.outcome = 'SKIPPED')
        WHERE id = ?""")) {
      for (String id : recount) {
        statement.setString(1, id);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Makes sure the run's row exists and carries the latest timestamp; false for a deleted run. */
  private static boolean touch(Connection tx, String testRunId, EventMetadata meta) throws SQLException {
    if (isDeleted(tx, testRunId)) {
      return false;
    }
    update(tx, """
        INSERT INTO test_runs_view (id, updated_at) VALUES (?, ?)
        ON CONFLICT (id) DO UPDATE SET updated_at = MAX(test_runs_view.updated_at, excluded.updated_at)""",
        testRunId, meta.timestamp().toEpochMilli());
    return true;
  }

  private static boolean isDeleted(Connection tx, String testRunId) throws SQLException {
    try (PreparedStatement query = tx.prepareStatement("SELECT 1 FROM test_runs_view_deleted WHERE id = ?")) {
      query.setString(1, testRunId);
      return query.executeQuery().next();
    }
  }

  private static void update(Connection tx, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = tx.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    }
  }
}
