package dev.quire.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.jdbc.StorageException;
import dev.quire.model.Ids;
import dev.quire.model.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SyncStore} in the server's database (SQLite or PostgreSQL, tables {@code quire_sync_*}
 * of quire-jdbc's migration V3), so remotes, cursors, echo records and dead letters survive a
 * restart. Every write is one transaction, durable when the method returns. Does not
 * own the database: {@link #close()} leaves it open.
 *
 * <p>Concurrency: thread-safe; each call takes its own pooled connection. The node id is created
 * with an insert that ignores a conflict, so two processes opening a fresh database agree on one.
 */
public final class JdbcSyncStore implements SyncStore {

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final TypeReference<List<WireOperation>> OPERATIONS = new TypeReference<>() {};

  private final QuireDatabase database;
  private final String nodeId;

  public JdbcSyncStore(QuireDatabase database) {
    this.database = Objects.requireNonNull(database, "database");
    update("INSERT INTO quire_sync_node (singleton, node_id) VALUES (1, ?) ON CONFLICT DO NOTHING", Ids.newId());
    this.nodeId = query("SELECT node_id FROM quire_sync_node WHERE singleton = 1", rs -> rs.getString(1)).get(0);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public List<Remote> remotes() {
    return query("SELECT name, url, filter, options FROM quire_sync_remotes ORDER BY created_at, name",
        rs -> new Remote(rs.getString(1), rs.getString(2), read(rs.getString(3), RemoteFilter.class),
            read(rs.getString(4), RemoteOptions.class)));
  }

  @Override
  public void putRemote(Remote remote) {
    update("INSERT INTO quire_sync_remotes (name, url, filter, options, created_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET url = excluded.url, filter = excluded.filter, options = excluded.options",
        remote.name(), remote.url(), write(remote.filter()), write(remote.options()), Instant.now().toString());
  }

  @Override
  public void removeRemote(String name) {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        execute(c, "DELETE FROM quire_sync_cursors WHERE remote = ?", name);
        execute(c, "DELETE FROM quire_sync_remotes WHERE name = ?", name);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("removing remote " + name, e);
    }
  }

  @Override
  public long cursor(String remote, Cursor cursor) {
    List<Long> found = query("SELECT ordinal FROM quire_sync_cursors WHERE remote = ? AND direction = ?",
        rs -> rs.getLong(1), remote, cursor.name());
    return found.isEmpty() ? 0L : found.get(0);
  }

  @Override
  public void setCursor(String remote, Cursor cursor, long ordinal) {
    update("INSERT INTO quire_sync_cursors (remote, direction, ordinal) VALUES (?, ?, ?)"
        + " ON CONFLICT (remote, direction) DO UPDATE SET ordinal = excluded.ordinal", remote, cursor.name(), ordinal);
  }

  @Override
  public void recordReceived(String peerNodeId, Collection<Received> operations) {
    if (operations.isEmpty()) {
      return;
    }
    String sql = "INSERT INTO quire_sync_received (stream_key, action_id, peer) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (Received op : operations) {
          s.setString(1, op.streamKey());
          s.setString(2, op.actionId());
          s.setString(3, peerNodeId);
          s.addBatch();
        }
        s.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  @Override
  public Set<Received> receivedFrom(String peerNodeId, Collection<Received> candidates) {
    Set<Received> found = new HashSet<>();
    if (candidates.isEmpty()) {
      return found;
    }
    // One connection and one prepared statement for the page: the key is the primary key, so each
    // probe is an index lookup; an IN list of row values would need dialect-specific SQL.
    String sql = "SELECT 1 FROM quire_sync_received WHERE stream_key = ? AND action_id = ? AND peer = ?";
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(3, peerNodeId);
      for (Received op : candidates) {
        s.setString(1, op.streamKey());
        s.setString(2, op.actionId());
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            found.add(op);
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  @Override
  public void addDeadLetter(DeadLetter letter) {
    update("INSERT INTO quire_sync_dead_letters"
            + " (id, remote, document_id, scope, branch, reason, message, operations, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        letter.id(), letter.remote(), letter.documentId(), letter.scope(), letter.branch(), letter.reason().name(),
        letter.message(), write(letter.operations()), letter.createdAt().toString());
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return query(DEAD_LETTER_COLUMNS + " ORDER BY created_at, id", JdbcSyncStore::deadLetter);
  }

  @Override
  public Optional<DeadLetter> deadLetter(String id) {
    return query(DEAD_LETTER_COLUMNS + " WHERE id = ?", JdbcSyncStore::deadLetter, id).stream().findFirst();
  }

  @Override
  public void removeDeadLetter(String id) {
    update("DELETE FROM quire_sync_dead_letters WHERE id = ?", id);
  }

  private static final String DEAD_LETTER_COLUMNS =
      "SELECT id, remote, document_id, scope, branch, reason, message, operations, created_at FROM quire_sync_dead_letters";

  private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
    List<WireOperation> operations;
    try {
      operations = MAPPER.readValue(rs.getString(8), OPERATIONS);
    } catch (JsonProcessingException e) {
      throw new StorageException("Dead letter " + rs.getString(1) + " has unreadable operations: "
          + e.getOriginalMessage(), e);
    }
    return new DeadLetter(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        DeadLetter.Reason.valueOf(rs.getString(6)), rs.getString(7), operations, Instant.parse(rs.getString(9)));
  }

  // ---------------------------------------------------------------------------------- plumbing

  /** Maps one row. */
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s = prepare(c, sql, args);
        ResultSet rs = s.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = database.dataSource().getConnection()) {
      execute(c, sql, args);
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  private static void execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = prepare(c, sql, args)) {
      s.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  private StorageException failure(String what, SQLException e) {
    return new StorageException("Sync store (" + database.description() + "): " + what + " failed: " + e.getMessage(), e);
  }

  private static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot serialise " + value + ": " + e.getOriginalMessage(), e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StorageException("Unreadable " + type.getSimpleName() + " in the sync store: " + e.getOriginalMessage(), e);
    }
  }
}
