package dev.quire.server;

import dev.quire.Reactor;
import dev.quire.ReactorBuilder;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.sync.InMemorySyncStore;
import dev.quire.sync.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns {@code --database} into the stores a reactor is built with; the one place that knows which
 * storage backs which URL.
 *
 * <ul>
 *   <li>{@code memory}: everything in memory, gone at exit;
 *   <li>none given: SQLite in {@code <data-dir>/quire.db}, created on first run;
 *   <li>{@code sqlite:<file>}, {@code postgresql://…} (or their {@code jdbc:} forms): that database,
 *       migrated on open, with the JDBC operation store, document view and indexer.
 * </ul>
 */
public final class StorageFactory {

  private StorageFactory() {}

  /**
   * Opened storage: how to configure a reactor with it, what to run once the reactor is built and
   * before it serves (read models catching up), the durable checkpoint of read models that keep one,
   * how to rebuild the read models that can be rebuilt, and what to close after the reactor.
   *
   * @param dataDir the folder of the embedded database; null when none is used
   * @param syncStore opens the store of sync's remotes, cursors and dead letters (in the database,
   *     so they survive a restart); null: in memory
   */
  public record Storage(
      String description,
      Path dataDir,
      Consumer<ReactorBuilder> configure,
      Consumer<Reactor> beforeServing,
      Map<String, LongSupplier> checkpoints,
      Map<String, Supplier<CompletableFuture<Void>>> rebuilders,
      AutoCloseable resources,
      Supplier<SyncStore> syncStore) implements AutoCloseable {

    public Storage(String description, Path dataDir, Consumer<ReactorBuilder> configure,
        Consumer<Reactor> beforeServing, Map<String, LongSupplier> checkpoints,
        Map<String, Supplier<CompletableFuture<Void>>> rebuilders, AutoCloseable resources) {
      this(description, dataDir, configure, beforeServing, checkpoints, rebuilders, resources, null);
    }

    public Storage {
      Objects.requireNonNull(description, "description");
      syncStore = syncStore == null ? InMemorySyncStore::new : syncStore;
      configure = configure == null ? builder -> {} : configure;
      beforeServing = beforeServing == null ? reactor -> {} : beforeServing;
      checkpoints = checkpoints == null ? Map.of() : Map.copyOf(checkpoints);
      rebuilders = rebuilders == null ? Map.of() : Map.copyOf(rebuilders);
      resources = resources == null ? () -> {} : resources;
    }

    /** In-memory storage; {@code configure} may add read models or settings (tests). */
    public static Storage memory(Consumer<ReactorBuilder> configure) {
      return new Storage(ServerConfig.Storage.MEMORY, null, configure, null, null, null, null);
    }

    @Override
    public void close() throws Exception {
      resources.close();
    }
  }

  /** The database URL {@code config} stands for ({@code memory}, or a JDBC-backed URL). */
  public static String databaseUrl(ServerConfig.Storage config) {
    if (config.database() != null) {
      return config.database();
    }
    return "sqlite:" + config.dataDir().toAbsolutePath().normalize().resolve("quire.db");
  }

  /**
   * Opens (and, for a database, migrates) the storage {@code config} names.
   *
   * @param models the document models, for read models that re-reduce operations on catch-up
   * @param readTimeout the default wait of token-gated queries
   * @throws IllegalArgumentException for a URL of an unknown kind
   */
  public static Storage open(ServerConfig.Storage config, DocumentModelRegistry models, Duration readTimeout) {
    String url = databaseUrl(config);
    if (ServerConfig.Storage.MEMORY.equals(url)) {
      return Storage.memory(null);
    }
    DatabaseConfig database = DatabaseConfig.DEFAULTS.withDurability(config.durability())
        .withExclusive(config.exclusive())
        .withRememberedRows(config.rememberedRows());
    return JdbcStorage.open(url, config.database() == null ? config.dataDir() : null, database, models, readTimeout);
  }

  /** What a database holds: its last ordinal and each read model's durable checkpoint. */
  public record Progress(String description, long lastOrdinal, Map<String, Long> checkpoints) {}

  /** Reads {@link Progress} of {@code config}'s database without serving it. */
  public static Progress progress(ServerConfig.Storage config) {
    String url = databaseUrl(config);
    if (ServerConfig.Storage.MEMORY.equals(url)) {
      throw new IllegalArgumentException("An in-memory database lives only inside its server; use --url");
    }
    return JdbcStorage.progress(url);
  }

  /** Creates or upgrades the schema of {@code config}'s database; returns its description. */
  public static String migrate(ServerConfig.Storage config) {
    String url = databaseUrl(config);
    if (ServerConfig.Storage.MEMORY.equals(url)) {
      return ServerConfig.Storage.MEMORY + " (nothing to migrate)";
    }
    return JdbcStorage.migrate(url);
  }
}
