package dev.quire.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link QuireDatabase} opens a database.
 *
 * @param durability what an acknowledged commit survives; see {@link Durability}
 * @param maxPoolSize connections in the pool (readers plus the writers)
 * @param schema PostgreSQL schema for Quire's tables; null for the URL's {@code currentSchema}, else
 *     {@code public}. Ignored by SQLite.
 * @param busyTimeout SQLite only: how long a writer waits for another writer's lock before failing
 * @param exclusive PostgreSQL only: this process is the only Quire process on the schema, so the
 *     document view may remember the rows it committed (reads with a token then need no query).
 *     Claimed with a session advisory lock: opening fails while another Quire process uses the
 *     schema, and other processes cannot open it meanwhile. Default false (several processes may
 *     share a schema). SQLite is always exclusive (one process per file).
 * @param rememberedRows SQLite, and PostgreSQL opened {@code exclusive}: how many document rows
 *     (and as many slug holders) the document view remembers as it last committed them, so that a
 *     write need not load and parse them and a read with a token needs no query; 0 remembers none.
 *     Default {@value #DEFAULT_REMEMBERED_ROWS}. Worth raising when more documents than that are
 *     written to in turn: at 100,000 documents 100,000 rows gave +13-31 % jobs/s over the default
 *     (see docs/benchmarks.md, "Late night of 2026-11-24"). Each remembered row holds its
 *     document's state as a JSON tree: about 1.7 KB of live heap for a small document (a state of
 *     one number), plus what a larger state takes as a tree.
 */
public record DatabaseConfig(
    Durability durability, int maxPoolSize, String schema, Duration busyTimeout, boolean exclusive,
    int rememberedRows) {

  /** Rows remembered by default: a few MiB for small documents, the whole working set of most. */
  public static final int DEFAULT_REMEMBERED_ROWS = 10_000;

  public static final DatabaseConfig DEFAULTS =
      new DatabaseConfig(Durability.FULL, 8, null, Duration.ofSeconds(30), false, DEFAULT_REMEMBERED_ROWS);

  public DatabaseConfig {
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (maxPoolSize < 2) {
      throw new IllegalArgumentException("maxPoolSize must be at least 2 (one writer, one reader), got " + maxPoolSize);
    }
    if (schema != null && !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("schema must be a plain SQL identifier, got " + schema);
    }
    if (busyTimeout.isNegative()) {
      throw new IllegalArgumentException("busyTimeout must not be negative");
    }
    if (rememberedRows < 0) {
      throw new IllegalArgumentException("rememberedRows must not be negative, got " + rememberedRows);
    }
  }

  public DatabaseConfig withDurability(Durability value) {
    return new DatabaseConfig(value, maxPoolSize, schema, busyTimeout, exclusive, rememberedRows);
  }

  public DatabaseConfig withMaxPoolSize(int value) {
    return new DatabaseConfig(durability, value, schema, busyTimeout, exclusive, rememberedRows);
  }

  public DatabaseConfig withSchema(String value) {
    return new DatabaseConfig(durability, maxPoolSize, value, busyTimeout, exclusive, rememberedRows);
  }

  public DatabaseConfig withExclusive(boolean value) {
    return new DatabaseConfig(durability, maxPoolSize, schema, busyTimeout, value, rememberedRows);
  }

  public DatabaseConfig withRememberedRows(int value) {
    return new DatabaseConfig(durability, maxPoolSize, schema, busyTimeout, exclusive, value);
  }
}
