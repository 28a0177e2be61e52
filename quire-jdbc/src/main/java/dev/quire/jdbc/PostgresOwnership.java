package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.quire.concurrent.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Quire process on a PostgreSQL schema holds a session advisory lock on it, on a connection of
 * its own: shared by default (several processes may share the schema), exclusive with {@link
 * DatabaseConfig#exclusive()} (the document view then remembers the rows it committed, which another
 * process's writes would make stale). So an exclusive process cannot start beside others, nor others
 * beside it. PostgreSQL drops the lock with the session: a crashed process frees the schema.
 *
 * <p>The session is checked every {@link #CHECK_INTERVAL}: if it ended while the database is open
 * (a proxy's or {@code idle_session_timeout}'s cut), the lock went with it and {@link #lost()}
 * completes, so that an exclusive process stops trusting what it remembers.
 */
final class PostgresOwnership implements DatabaseClaim {

  static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(PostgresOwnership.class);

  private final Connection connection;
  private final String description;
  private final CompletableFuture<Void> lost = new CompletableFuture<>();
  private final ScheduledExecutorService watcher;

  private PostgresOwnership(Connection connection, String description) {
    this.connection = connection;
    this.description = description;
    this.watcher = Executors.newSingleThreadScheduledExecutor(NamedThreadFactory.daemon("quire-jdbc-claim-watch"));
    long nanos = CHECK_INTERVAL.toNanos();
    watcher.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public CompletableFuture<Void> lost() {
    return lost;
  }

  private void check() {
    boolean valid;
    try {
      valid = connection.isValid(5);
    } catch (SQLException e) {
      valid = false;
    }
    if (!valid && lost.complete(null)) {
      log.error("The session holding the claim on {} ended, and its advisory lock with it; other Quire processes may now"
          + " open the schema. Restart this process to claim it again.", description);
      watcher.shutdown();
    }
  }

  /** @throws StorageException when the lock is held in the other mode, or the database is unreachable */
  static PostgresOwnership claim(DatabaseUrl url, String schema, boolean exclusive) {
    String key = "quire.processes." + (schema == null ? "public" : schema);
    Properties properties = new Properties();
    if (url.user() != null) {
      properties.setProperty("user", url.user());
    }
    if (url.password() != null) {
      properties.setProperty("password", url.password());
    }
    String schemaName = schema == null ? "public" : schema;
    properties.setProperty("ApplicationName", "quire-claim " + schemaName);
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), properties);
    } catch (SQLException e) {
      throw new StorageException("Cannot open " + url.redacted() + ": " + e.getMessage(), e);
    }
    String function = exclusive ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared";
    try (PreparedStatement ps = connection.prepareStatement("SELECT " + function + "(hashtextextended(?, 0))")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getBoolean(1)) {
          return new PostgresOwnership(connection, "schema " + schemaName + " at " + url.redacted()
              + (exclusive ? " (exclusive)" : " (shared)"));
        }
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StorageException("Cannot lock schema " + key + " at " + url.redacted() + ": " + e.getMessage(), e);
    }
    closeQuietly(connection);
    throw new StorageException(exclusive
        ? "Schema " + schemaName + " at " + url.redacted() + " is in use by another Quire process; an exclusive"
            + " process needs it alone (stop the others, or open it shared)"
        : "Schema " + schemaName + " at " + url.redacted() + " is held exclusively by another Quire process; stop"
            + " it, or restart it shared, to open the schema from several processes", null);
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    // Released before the session ends: closing the connection only asks the server to end it,
    // and until its backend has exited the lock is still held, so a process reopening the schema
    // at once (a restart, the next test) could be refused.
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
      ps.execute();
    } catch (SQLException e) {
      log.debug("Releasing the claim on {} before closing its session failed; closing releases it", description, e);
    }
    closeQuietly(connection); // ends the session, and with it anything still held
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The session is gone either way.
    }
  }
}
