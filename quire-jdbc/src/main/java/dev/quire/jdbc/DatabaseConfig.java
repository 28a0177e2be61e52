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
 */
public record DatabaseConfig(
    Durability durability, int maxPoolSize, String schema, Duration busyTimeout, boolean exclusive) {

  public static final DatabaseConfig DEFAULTS =
      new DatabaseConfig(Durability.FULL, 8, null, Duration.ofSeconds(30), false);

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
  }

  public DatabaseConfig withDurability(Durability value) {
    return new DatabaseConfig(value, maxPoolSize, schema, busyTimeout, exclusive);
  }

  public DatabaseConfig withMaxPoolSize(int value) {
    return new DatabaseConfig(durability, value, schema, busyTimeout, exclusive);
  }

  public DatabaseConfig withSchema(String value) {
    return new DatabaseConfig(durability, maxPoolSize, value, busyTimeout, exclusive);
  }

  public DatabaseConfig withExclusive(boolean value) {
    return new DatabaseConfig(durability, maxPoolSize, schema, busyTimeout, value);
  }
}
