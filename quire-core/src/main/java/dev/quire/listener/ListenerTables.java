package dev.quire.listener;

import dev.quire.consistency.StreamKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The SQL of the listener bookkeeping tables, shared by every listener of a database and keyed by
 * listener name. Portable SQL only (SQLite, PostgreSQL, H2, MySQL): CREATE TABLE IF NOT EXISTS,
 * and update-or-insert decided by what the caller knows is stored, never a dialect's upsert.
 *
 * <ul>
 *   <li>{@code quire_listener_progress}: per stream, the highest operation index applied. Written
 *       in the transaction of the effects it covers: this is what makes effects exactly-once.
 *   <li>{@code quire_listener_checkpoint}: per listener, the ordinal watermark a restart scans the
 *       store from, and the end of a replay requested with reset.
 * </ul>
 */
final class ListenerTables {

  static final String PROGRESS = "quire_listener_progress";
  static final String CHECKPOINT = "quire_listener_checkpoint";

  private static final String CREATE_PROGRESS = "CREATE TABLE IF NOT EXISTS " + PROGRESS + " ("
      + "listener VARCHAR(200) NOT NULL, "
      + "document_id VARCHAR(255) NOT NULL, "
      + "scope VARCHAR(100) NOT NULL, "
      + "branch VARCHAR(100) NOT NULL, "
      + "last_index BIGINT NOT NULL, "
      + "PRIMARY KEY (listener, document_id, scope, branch))";
  private static final String CREATE_CHECKPOINT = "CREATE TABLE IF NOT EXISTS " + CHECKPOINT + " ("
      + "listener VARCHAR(200) NOT NULL PRIMARY KEY, "
      + "watermark BIGINT NOT NULL, "
      + "replay_until BIGINT NOT NULL)";

  private ListenerTables() {}

  /** The stored checkpoint of a listener. */
  record Checkpoint(long watermark, long replayUntil) {}

  static void create(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(CREATE_PROGRESS);
      statement.execute(CREATE_CHECKPOINT);
    }
  }

  /** The listener's checkpoint; inserts (0, 0) when it has none. */
  static Checkpoint loadOrCreateCheckpoint(Connection connection, String listener) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT watermark, replay_until FROM " + CHECKPOINT + " WHERE listener = ?")) {
      select.setString(1, listener);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          return new Checkpoint(rows.getLong(1), rows.getLong(2));
        }
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + CHECKPOINT + " (listener, watermark, replay_until) VALUES (?, 0, 0)")) {
      insert.setString(1, listener);
      insert.executeUpdate();
    }
    return new Checkpoint(0, 0);
  }

  static Map<StreamKey, Long> loadProgress(Connection connection, String listener) throws SQLException {
    Map<StreamKey, Long> progress = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT document_id, scope, branch, last_index FROM " + PROGRESS + " WHERE listener = ?")) {
      select.setString(1, listener);
      select.setFetchSize(1000);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          progress.put(new StreamKey(rows.getString(1), rows.getString(2), rows.getString(3)), rows.getLong(4));
        }
      }
    }
    return progress;
  }

  /**
   * Writes {@code progress}: an UPDATE for streams in {@code stored} (rows that exist), an INSERT for
   * the others.
   */
  static void writeProgress(Connection connection, String listener, Map<StreamKey, Long> progress,
      Map<StreamKey, Long> stored) throws SQLException {
    if (progress.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement("UPDATE " + PROGRESS
            + " SET last_index = ? WHERE listener = ? AND document_id = ? AND scope = ? AND branch = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PROGRESS
            + " (listener, document_id, scope, branch, last_index) VALUES (?, ?, ?, ?, ?)")) {
      boolean updates = false;
      boolean inserts = false;
      for (Map.Entry<StreamKey, Long> entry : progress.entrySet()) {
        StreamKey key = entry.getKey();
        if (stored.containsKey(key)) {
          update.setLong(1, entry.getValue());
          update.setString(2, listener);
          update.setString(3, key.documentId());
          update.setString(4, key.scope());
          update.setString(5, key.branch());
          update.addBatch();
          updates = true;
        } else {
          insert.setString(1, listener);
          insert.setString(2, key.documentId());
          insert.setString(3, key.scope());
          insert.setString(4, key.branch());
          insert.setLong(5, entry.getValue());
          insert.addBatch();
          inserts = true;
        }
      }
      if (updates) {
        update.executeBatch();
      }
      if (inserts) {
        insert.executeBatch();
      }
    }
  }

  static void writeCheckpoint(Connection connection, String listener, long watermark, long replayUntil)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE " + CHECKPOINT + " SET watermark = ?, replay_until = ? WHERE listener = ?")) {
      update.setLong(1, watermark);
      update.setLong(2, replayUntil);
      update.setString(3, listener);
      if (update.executeUpdate() == 0) {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO " + CHECKPOINT + " (listener, watermark, replay_until) VALUES (?, ?, ?)")) {
          insert.setString(1, listener);
          insert.setLong(2, watermark);
          insert.setLong(3, replayUntil);
          insert.executeUpdate();
        }
      }
    }
  }

  /** Forgets the listener's progress (for a rebuild). */
  static void clearProgress(Connection connection, String listener) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + PROGRESS + " WHERE listener = ?")) {
      delete.setString(1, listener);
      delete.executeUpdate();
    }
  }
}
