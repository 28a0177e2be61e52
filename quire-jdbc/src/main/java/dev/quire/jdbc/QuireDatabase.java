package dev.quire.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An open Quire database: a pooled {@link DataSource} whose schema has been migrated to the
 * current version. Every JDBC store and read model of one process shares one instance.
 *
 * <pre>{@code
 * try (QuireDatabase db = QuireDatabase.open("sqlite:./quire-data/quire.db");
 *      JdbcOperationStore store = new JdbcOperationStore(db)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>SQLite connections run in WAL mode (readers never block the writer), with
 * {@code synchronous} set by {@link Durability}, a busy timeout, and {@code BEGIN IMMEDIATE} for
 * every write transaction so two writers queue on the lock instead of failing on upgrade; the WAL
 * is checkpointed by a background thread ({@link WalCheckpointer}) every 100 ms, which also restarts
 * it every {@value WalCheckpointer#RESTART_PAGES} frames.
 * PostgreSQL connections use the URL's {@code currentSchema} (or {@link DatabaseConfig#schema()}),
 * created by the migration if missing.
 *
 * <p>Concurrency: thread-safe; the pool hands each caller its own connection.
 */
public final class QuireDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QuireDatabase.class);
  private static final String HISTORY_TABLE = "quire_schema_history";
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  private final DatabaseUrl url;
  private final DatabaseConfig config;
  private final String schema;
  private final HikariDataSource dataSource;
  private final WriteGate writeGate;
  private final RebuildTurns rebuildTurns;
  // SQLite only; null on PostgreSQL.
  private final WalCheckpointer checkpointer;
  // SQLite only; closed after the pool (its descriptor's close would drop SQLite's locks on the file).
  private final DatabaseFileFlusher flusher;
  // This process's claim on the SQLite file or the PostgreSQL schema.
  private final DatabaseClaim ownership;
  // Guarded by this; PostgreSQL only, created on first use.
  private ProgressListener progressListener;

  private QuireDatabase(DatabaseUrl url, DatabaseConfig config) {
    this.url = url;
    this.config = config;
    this.schema = config.schema() != null ? config.schema() : url.currentSchema();
    this.writeGate = WriteGate.forDialect(url.dialect(), config.busyTimeout());
    this.rebuildTurns = RebuildTurns.forDialect(url.dialect());
    try {
      this.dataSource = url.dialect() == Dialect.SQLITE ? sqlitePool(url, config) : postgresPool(url, config, schema);
    } catch (RuntimeException e) {
      throw new StorageException("Cannot open " + url.redacted() + ": " + e.getMessage(), e);
    }
    try {
      this.ownership = url.dialect() == Dialect.SQLITE
          ? SqliteOwnership.claim(url.sqliteFile())
          : PostgresOwnership.claim(url, schema, config.exclusive());
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    try {
      migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      if (ownership != null) {
        ownership.close();
      }
      throw new StorageException("Cannot migrate the Quire schema at " + url.redacted() + ": " + e.getMessage(), e);
    }
    this.flusher = url.dialect() == Dialect.SQLITE ? new DatabaseFileFlusher(url.sqliteFile()) : null;
    this.checkpointer = url.dialect() == Dialect.SQLITE
        ? new WalCheckpointer(dataSource, CHECKPOINT_INTERVAL, writeGate, flusher, WalCheckpointer.RESTART_PAGES,
            config.durability() == Durability.NORMAL)
        : null;
  }

  /** Opens {@code url} with {@link DatabaseConfig#DEFAULTS}. */
  public static QuireDatabase open(String url) {
    return open(url, DatabaseConfig.DEFAULTS);
  }

  /**
   * Opens (creating if needed) and migrates the database at {@code url}.
   *
   * @param url {@code sqlite:<file>}, {@code jdbc:sqlite:<file>}, {@code postgresql://host:port/db?user=..}
   *     or {@code jdbc:postgresql://...}
   * @throws IllegalArgumentException for a URL of another kind
   * @throws StorageException when the database cannot be reached or migrated
   */
  public static QuireDatabase open(String url, DatabaseConfig config) {
    Objects.requireNonNull(config, "config");
    return new QuireDatabase(DatabaseUrl.parse(url), config);
  }

  public Dialect dialect() {
    return url.dialect();
  }

  /**
   * Whether this process is the only Quire process writing the database (SQLite always; PostgreSQL
   * when opened {@link DatabaseConfig#exclusive()}): read models may then remember what they commit.
   */
  public boolean soleWriter() {
    return url.dialect() == Dialect.SQLITE || (config.exclusive() && !ownership.lost().isDone());
  }

  /**
   * Completes if this process loses its claim on the database while open (PostgreSQL: the session
   * holding the advisory lock ended); from then on {@link #soleWriter()} is false.
   */
  public CompletableFuture<Void> claimLost() {
    return ownership.lost();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DatabaseConfig config() {
    return config;
  }

  public Durability durability() {
    return config.durability();
  }

  /** Queues this process's write transactions (SQLite); see {@link WriteGate}. */
  WriteGate writeGate() {
    return writeGate;
  }

  /** Test seam: stops the background WAL checkpoints (SQLite), so a test runs its own passes alone. */
  void stopBackgroundCheckpoints() {
    if (checkpointer != null) {
      checkpointer.close();
    }
  }

  /** One read model rebuild at a time (SQLite); see {@link RebuildTurns}. */
  RebuildTurns rebuildTurns() {
    return rebuildTurns;
  }

  /** The JDBC URL without secrets, for messages. */
  public String description() {
    return url.redacted();
  }

  /** The process-wide read-model progress listener (PostgreSQL LISTEN/NOTIFY); started on first use. */
  synchronized ProgressListener progressListener() {
    if (url.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalStateException("Progress notifications need PostgreSQL");
    }
    if (progressListener == null) {
      progressListener = new ProgressListener(dataSource);
    }
    return progressListener;
  }

  @Override
  public void close() {
    ProgressListener listener;
    synchronized (this) {
      listener = progressListener;
      progressListener = null;
    }
    if (listener != null) {
      listener.close();
    }
    if (checkpointer != null) {
      checkpointer.close();
    }
    dataSource.close();
    if (flusher != null) {
      flusher.close();
    }
    if (ownership != null) {
      ownership.close();
    }
  }

  private void migrate() {
    FluentConfiguration flyway =
        Flyway.configure(QuireDatabase.class.getClassLoader())
            .dataSource(dataSource)
            .locations(url.dialect().migrationLocation())
            .table(HISTORY_TABLE)
            .failOnMissingLocations(true);
    if (url.dialect() == Dialect.POSTGRESQL && schema != null) {
      flyway.schemas(schema).createSchemas(true);
    }
    int applied = flyway.load().migrate().migrationsExecuted;
    if (applied > 0) {
      log.info("Applied {} Quire migration(s) to {}", applied, url.redacted());
    }
  }

  private static HikariDataSource sqlitePool(DatabaseUrl url, DatabaseConfig config) {
    try {
      Path parent = url.sqliteFile().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the folder of " + url.sqliteFile(), e);
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(
        config.durability() == Durability.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
    // A deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT) when
    // another writer committed in between; IMMEDIATE takes the write lock up front and waits for it.
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    sqlite.enforceForeignKeys(true);
    // Quire never asks for generated keys (ordinals are chosen by the writer); with the driver's
    // default every INSERT's executeUpdate compiled and ran a SELECT last_insert_rowid() as well.
    sqlite.setGetGeneratedKeys(false);
    // WAL pages are copied back by the WalCheckpointer thread, not by the commit that crosses 1,000.
    sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, Integer.toString(WalCheckpointer.FALLBACK_PAGES));
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(url.jdbcUrl());

    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("quire-sqlite");
    hikari.setDataSource(source);
    hikari.setMaximumPoolSize(config.maxPoolSize());
    hikari.setMinimumIdle(1);
    return new HikariDataSource(hikari);
  }

  private static HikariDataSource postgresPool(DatabaseUrl url, DatabaseConfig config, String schema) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("quire-postgresql");
    hikari.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      hikari.setUsername(url.user());
    }
    if (url.password() != null) {
      hikari.setPassword(url.password());
    }
    hikari.setMaximumPoolSize(config.maxPoolSize());
    hikari.setMinimumIdle(1);
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    if (schema != null) {
      hikari.addDataSourceProperty("currentSchema", schema);
    }
    if (config.durability() == Durability.NORMAL) {
      hikari.setConnectionInitSql("SET synchronous_commit = off");
    }
    return new HikariDataSource(hikari);
  }
}
