package dev.quire.jdbc;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded memory of rows as their last commit left them, so that the next write and the reads
 * after it need not load and parse the row again.
 *
 * <p>Only sound while one thread of this process is the tables' only writer: a row another process
 * committed would be remembered stale. Hence {@link #disabled()} for databases several processes
 * may write (PostgreSQL). The writer must {@link #remember} what it wrote only after its
 * transaction committed and before it lets readers know (a read that waited for the commit then
 * finds the row here or in the tables, never an older one), inside {@link
 * CommitVersion#beginWrite()}/{@link CommitVersion#endWrite()}; and {@link #forgetAll} when the
 * tables are replaced. A reader may add a row it loaded with {@link #rememberLoaded} under the
 * version it saw before loading: the row is dropped if a commit came in between (it may be stale).
 *
 * <p>Concurrency: one writer thread, any number of readers.
 */
final class CommittedRows<K, V> {

  private final Map<K, V> rows;
  // 0 once disabled: every method then answers as if nothing were remembered.
  private volatile int maxRows;

  private CommittedRows(int maxRows) {
    this.maxRows = maxRows;
    this.rows = new ConcurrentHashMap<>();
  }

  /** Remembers about {@code maxRows} rows (a writer's group may pass it); 0 remembers none. */
  static <K, V> CommittedRows<K, V> bounded(int maxRows) {
    if (maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, got " + maxRows);
    }
    return new CommittedRows<>(maxRows);
  }

  static <K, V> CommittedRows<K, V> disabled() {
    return new CommittedRows<>(0);
  }

  /** Whether this memory keeps anything (not {@link #disabled()}). */
  boolean enabled() {
    return maxRows > 0;
  }

  /** The row as last committed through {@link #remember}, or null when it is not remembered. */
  V get(K key) {
    return maxRows == 0 ? null : rows.get(key);
  }

  /** Writer thread, after its commit: the rows the transaction wrote, as it wrote them. */
  void remember(Map<K, V> committed) {
    if (maxRows == 0 || committed.isEmpty()) {
      return;
    }
    if (rows.size() + committed.size() > maxRows) {
      dropSome(Math.max(committed.size(), maxRows / 10));
    }
    // Every committed row is put, even past the bound by a group: a reader's older copy of the
    // row may have gone in meanwhile and must be overwritten.
    rows.putAll(committed);
  }

  /**
   * A reader's row, loaded from the tables after it saw {@code version} ({@link
   * CommitVersion#stable()}): kept unless a commit began since or the row is already remembered.
   */
  void rememberLoaded(K key, V row, CommitVersion commits, long version) {
    if (maxRows == 0 || rows.size() >= maxRows) {
      return;
    }
    if (commits.unchangedSince(version)) {
      // A commit that begins after this check puts its own rows after it, overwriting this one.
      rows.putIfAbsent(key, row);
    }
  }

  /**
   * Whether a commit of {@code rows} rows is worth remembering: a catch-up or rebuild page (thousands
   * of rows) would only evict the working set and pay a re-parse per row; the writer {@link #forget}s
   * its rows instead.
   */
  boolean worthRemembering(int rows) {
    return maxRows > 0 && rows <= maxRows / 10;
  }

  /** Writer thread, after its commit: drops the rows it changed without remembering them. */
  void forget(Iterable<K> committed) {
    for (K key : committed) {
      rows.remove(key);
    }
  }

  /**
   * Stops remembering for good (any thread): this process may no longer be the tables' only writer.
   * A row the writer is putting meanwhile is never read: {@link #get} answers null from now on.
   */
  void disable() {
    maxRows = 0;
    rows.clear();
  }

  /** The tables were replaced (a rebuild's swap) or may differ from what was remembered. */
  void forgetAll() {
    rows.clear();
  }

  int size() {
    return rows.size();
  }

  /** Drops {@code count} arbitrary rows: cheaper than tracking recency, and a dropped row is only reloaded. */
  private void dropSome(int count) {
    Iterator<K> keys = rows.keySet().iterator();
    for (int i = 0; i < count && keys.hasNext(); i++) {
      keys.next();
      keys.remove();
    }
  }
}
