package dev.quire.server;

import dev.quire.concurrent.Scheduler;
import dev.quire.index.DocumentIndexer;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.JdbcDocumentIndexer;
import dev.quire.jdbc.JdbcDocumentView;
import dev.quire.jdbc.JdbcReactorStorage;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.readmodel.ReadGate;
import dev.quire.sync.JdbcSyncStore;
import dev.quire.view.DocumentView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC side of {@link StorageFactory}: SQLite or PostgreSQL through quire-jdbc's {@link
 * JdbcReactorStorage}. The view and the indexer keep durable checkpoints and catch up from the
 * store before the server serves.
 */
final class JdbcStorage {

  private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(30);

  private JdbcStorage() {}

  static StorageFactory.Storage open(String url, Path dataDir, DatabaseConfig config, DocumentModelRegistry models,
      Duration readTimeout) {
    JdbcReactorStorage storage = JdbcReactorStorage.open(url, config, models, Scheduler.system(), readTimeout);
    JdbcDocumentView view = storage.view();
    JdbcDocumentIndexer indexer = storage.indexer();
    return new StorageFactory.Storage(
        storage.description(),
        dataDir,
        storage::configure,
        reactor -> catchUp(storage),
        Map.of(DocumentView.NAME, view::checkpoint, DocumentIndexer.NAME, indexer::checkpoint),
        Map.of(DocumentView.NAME, view::rebuild, DocumentIndexer.NAME, indexer::rebuild),
        // The reactor closed the store already; the read models and the pool go last.
        storage,
        () -> new JdbcSyncStore(storage.database()));
  }

  static String migrate(String url) {
    try (QuireDatabase database = QuireDatabase.open(url)) {
      return database.description();
    }
  }

  /** The store's last ordinal and each read model's durable checkpoint, read without starting anything. */
  static StorageFactory.Progress progress(String url) {
    try (JdbcReactorStorage storage = JdbcReactorStorage.open(url, DatabaseConfig.DEFAULTS, DocumentModelRegistry.of(),
        Scheduler.system(), ReadGate.DEFAULT_TIMEOUT)) {
      Map<String, Long> checkpoints = new java.util.LinkedHashMap<>();
      checkpoints.put(DocumentView.NAME, storage.view().checkpoint());
      checkpoints.put(DocumentIndexer.NAME, storage.indexer().checkpoint());
      return new StorageFactory.Progress(storage.description(), storage.store().lastOrdinal(), checkpoints);
    }
  }

  private static void catchUp(JdbcReactorStorage storage) {
    long started = System.nanoTime();
    try {
      storage.start().get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while read models caught up", e);
    } catch (Exception e) {
      throw new IllegalStateException("Read models could not catch up with the store: " + e.getMessage(), e);
    }
    log.info("read models caught up checkpoint={} durationMs={}", storage.view().checkpoint(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
