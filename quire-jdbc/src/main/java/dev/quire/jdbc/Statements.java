package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.sqlite.SQLiteConnection;

/**
 * Prepared statements kept per pooled SQLite connection and reused by SQL text. SQLite compiles a
 * statement on every {@code prepareStatement}, and on the hot paths (a read by id, a group's
 * head checks, a read-model group's upserts) compiling cost more CPU than running; the driver has
 * no cache of its own. Other databases get a fresh statement each time (pgjdbc caches server-side
 * by SQL text already).
 *
 * <p>Statements are prepared on the physical connection (the pool closes statements made through
 * its proxy when the connection goes back) and handed out one user at a time: a statement is taken
 * out of the cache while in use and put back only if its use succeeded, so a failed statement is
 * closed rather than reused in an unknown state. At most {@value #PER_CONNECTION} statements per
 * connection; the least recently used is closed.
 *
 * <p>Concurrency: the pool gives a connection to one thread at a time, so a connection's own cache
 * is touched by one thread at a time; the map of connections is synchronised. Entries go away with
 * their connection (weak keys).
 */
final class Statements {

  /** Uses a prepared statement; must not close it. */
  @FunctionalInterface
  interface Use<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  private static final int PER_CONNECTION = 64;
  private static final Map<Connection, Map<String, PreparedStatement>> CACHE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Statements() {}

  /** Runs {@code use} with a statement for {@code sql} on {@code c}. */
  static <T> T run(Connection c, String sql, Use<T> use) throws SQLException {
    Connection physical = c.isWrapperFor(SQLiteConnection.class) ? c.unwrap(SQLiteConnection.class) : null;
    if (physical == null) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        return use.run(ps);
      }
    }
    Map<String, PreparedStatement> statements = CACHE.computeIfAbsent(physical, k -> lru());
    PreparedStatement ps = statements.remove(sql);
    if (ps == null || ps.isClosed()) {
      ps = physical.prepareStatement(sql);
    }
    boolean reusable = false;
    try {
      T result = use.run(ps);
      ps.clearParameters();
      reusable = true;
      return result;
    } finally {
      if (reusable) {
        PreparedStatement other = statements.put(sql, ps);
        if (other != null) {
          closeQuietly(other);
        }
      } else {
        closeQuietly(ps);
      }
    }
  }

  private static Map<String, PreparedStatement> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        if (size() <= PER_CONNECTION) {
          return false;
        }
        closeQuietly(eldest.getValue());
        return true;
      }
    };
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // Closing a statement we drop; nothing to recover.
    }
  }
}
