package dev.quire.examples.testruns;

import dev.quire.listener.DomainEvent;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.listener.On;
import dev.quire.listener.ViewTables;
import dev.quire.store.OperationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Logs every test-run event into {@code event_log} with a plain INSERT on its event id: a second
 * delivery of an event fails on the primary key, so the table proves exactly-once. Optionally calls
 * {@code onEvent} with the count of events this instance handled, inside the open transaction
 * (the crash test blocks there).
 */
final class EventLogListener implements ViewTables {

  static final String NAME = "event-log";

  interface Hook {
    void onEvent(int handled) throws Exception;
  }

  private final AtomicInteger handled = new AtomicInteger();
  private final Hook hook;

  EventLogListener(Hook hook) {
    this.hook = hook;
  }

  EventLogListener() {
    this(handled -> {});
  }

  static JdbcListenerReadModel readModel(OperationStore store, DataSource database, EventLogListener listener,
      int pageSize) {
    return JdbcListenerReadModel.builder(NAME, database)
        .operationStore(store)
        .mappers(new TestRunEvents())
        .listener(listener)
        .pageSize(pageSize)
        .build();
  }

  @Override
  public void create(Connection tx) throws SQLException {
    try (Statement ddl = tx.createStatement()) {
      ddl.execute("CREATE TABLE IF NOT EXISTS event_log (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, "
          + "run_id TEXT NOT NULL, ordinal INTEGER NOT NULL)");
    }
  }

  @Override
  public void reset(Connection tx) throws SQLException {
    try (Statement ddl = tx.createStatement()) {
      ddl.execute("DELETE FROM event_log");
    }
  }

  @On(TestRunEvent.class)
  void log(DomainEvent<TestRunEvent> event, Connection tx) throws Exception {
    try (PreparedStatement insert = tx.prepareStatement(
        "INSERT INTO event_log (event_id, type, run_id, ordinal) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, event.eventId());
      insert.setString(2, event.type());
      insert.setString(3, event.payload().testRunId());
      insert.setLong(4, event.metadata().ordinal());
      insert.executeUpdate();
    }
    hook.onEvent(handled.incrementAndGet());
  }
}
