package dev.quire.examples.listener;

import dev.quire.examples.SqliteDataSources;
import dev.quire.listener.DomainEventMapper;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.listener.Listener;
import dev.quire.listener.ViewTables;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A minimal listener fixture: documents of type {@code test/note} whose {@code NOTE {text}}
 * operations mean {@link Noted}; the listener INSERTs each event into {@code notes} keyed by event
 * id (a duplicate delivery fails on the primary key) and counts every delivery in {@code
 * deliveries}. Texts in {@link #poison} make the handler throw; a text in {@link #blockOn} makes it
 * wait for {@link #release}.
 */
final class Notes {

  static final String TYPE = "test/note";
  static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

  record Noted(String documentId, String text) {}

  final OperationStore store;
  final DataSource database;
  final Set<String> poison = ConcurrentHashMap.newKeySet();
  final Set<String> blockOn = ConcurrentHashMap.newKeySet();
  final CountDownLatch blocked = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final Map<String, Long> revisions = new HashMap<>();

  Notes(Path folder) {
    this(folder, new InMemoryOperationStore());
  }

  Notes(Path folder, OperationStore store) {
    this.store = store;
    this.database = SqliteDataSources.file(folder.resolve("app.db"));
  }

  static final ViewTables TABLES = new ViewTables() {
    @Override
    public void create(Connection tx) throws SQLException {
      try (Statement ddl = tx.createStatement()) {
        ddl.execute("CREATE TABLE IF NOT EXISTS notes (event_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, "
            + "text TEXT NOT NULL, ordinal INTEGER NOT NULL)");
        ddl.execute("CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT PRIMARY KEY, n INTEGER NOT NULL)");
      }
    }

    @Override
    public void reset(Connection tx) throws SQLException {
      try (Statement ddl = tx.createStatement()) {
        ddl.execute("DELETE FROM notes");
      }
    }
  };

  Listener<Connection> listener() {
    return Listener.builder(Connection.class)
        .on(Noted.class, (event, tx) -> {
          if (blockOn.contains(event.payload().text())) {
            blocked.countDown();
            release.await(10, TimeUnit.SECONDS);
          }
          if (poison.contains(event.payload().text())) {
            throw new IllegalStateException("poisoned " + event.payload().text());
          }
          try (PreparedStatement delivery = tx.prepareStatement(
              "INSERT INTO deliveries (event_id, n) VALUES (?, 1) ON CONFLICT (event_id) DO UPDATE SET n = n + 1")) {
            delivery.setString(1, event.eventId());
            delivery.executeUpdate();
          }
          try (PreparedStatement insert = tx.prepareStatement(
              "INSERT INTO notes (event_id, document_id, text, ordinal) VALUES (?, ?, ?, ?) "
                  + "ON CONFLICT (event_id) DO UPDATE SET text = excluded.text")) {
            insert.setString(1, event.eventId());
            insert.setString(2, event.metadata().documentId());
            insert.setString(3, event.payload().text());
            insert.setLong(4, event.metadata().ordinal());
            insert.executeUpdate();
          }
        })
        .build();
  }

  static DomainEventMapper mapper() {
    return DomainEventMapper.of(TYPE, op -> op.operation().action().type().equals("NOTE")
        ? List.of(new Noted(op.documentId(), op.operation().action().input().get("text").asText()))
        : List.of());
  }

  JdbcListenerReadModel.Builder readModel(String name) {
    return JdbcListenerReadModel.builder(name, database)
        .operationStore(store)
        .mappers(mapper())
        .listener(listener())
        .viewTables(TABLES);
  }

  /** Appends {@code NOTE} operations with these texts to {@code documentId}'s global stream. */
  synchronized List<OperationWithContext> write(String documentId, String... texts) {
    long next = revisions.getOrDefault(documentId, 0L);
    List<Operation> operations = new ArrayList<>();
    for (String text : texts) {
      Action action = new Action("a-" + documentId + "-" + next, "NOTE", "global", TIME,
          Json.object().put("text", text), null);
      operations.add(new Operation(documentId + "-" + next, next, 0, TIME.plusSeconds(next), "h", action, null));
      next++;
    }
    List<OperationWithContext> written = store.append("job-" + documentId + "-" + next, documentId, TYPE, "global",
        "main", revisions.getOrDefault(documentId, 0L), operations);
    revisions.put(documentId, next);
    return written;
  }

  /** Texts in {@code notes}, per document, in index order. */
  Map<String, List<String>> notes() {
    Map<String, List<String>> notes = new HashMap<>();
    query("SELECT document_id, text FROM notes ORDER BY document_id, ordinal",
        rows -> notes.computeIfAbsent(rows.getString(1), key -> new ArrayList<>()).add(rows.getString(2)));
    return notes;
  }

  /** How often each event was delivered in a committed transaction. */
  Map<String, Integer> deliveries() {
    Map<String, Integer> deliveries = new HashMap<>();
    query("SELECT event_id, n FROM deliveries", rows -> deliveries.put(rows.getString(1), rows.getInt(2)));
    return deliveries;
  }

  interface RowReader {
    void read(ResultSet rows) throws SQLException;
  }

  void query(String sql, RowReader reader) {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        reader.read(rows);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
