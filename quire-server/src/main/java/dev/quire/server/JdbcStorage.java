package dev.quire.server;

import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.jdbc.JdbcDocumentIndexer;
import dev.quire.jdbc.JdbcDocumentView;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.view.DocumentView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC side of {@link StorageFactory}: SQLite or PostgreSQL through quire-jdbc. The view and the
 * indexer keep durable checkpoints and catch up from the store before the server serves.
 */
final class JdbcStorage {

  private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(30);

  private JdbcStorage() {}

  static StorageFactory.Storage open(String url, Path dataDir, DocumentModelRegistry models, Duration readTimeout) {
    QuireDatabase database = QuireDatabase.open(url);
    try {
      Scheduler scheduler = Scheduler.system();
      JdbcOperationStore store = new JdbcOperationStore(database);
      JdbcDocumentView view = new JdbcDocumentView(database, store, models,
          new ConsistencyTracker(DocumentView.NAME, scheduler), readTimeout);
      JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store,
          new ConsistencyTracker(DocumentIndexer.NAME, scheduler), readTimeout);
      return new StorageFactory.Storage(
          database.description(),
          dataDir,
          builder -> builder.operationStore(store).documentView(view).documentIndexer(indexer),
          reactor -> catchUp(view, indexer),
          Map.of(DocumentView.NAME, view::checkpoint, DocumentIndexer.NAME, indexer::checkpoint),
          Map.of(DocumentView.NAME, view::rebuild, DocumentIndexer.NAME, indexer::rebuild),
          () -> {
            // The reactor closed the store already; the read models and the pool go last.
            view.close();
            indexer.close();
            database.close();
          });
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  static String migrate(String url) {
    try (QuireDatabase database = QuireDatabase.open(url)) {
      return database.description();
    }
  }

  /** The store's last ordinal and each read model's durable checkpoint, read without starting anything. */
  static StorageFactory.Progress progress(String url) {
    try (QuireDatabase database = QuireDatabase.open(url);
        JdbcOperationStore store = new JdbcOperationStore(database);
        JdbcDocumentView view = new JdbcDocumentView(database, store, DocumentModelRegistry.of(),
            new ConsistencyTracker(DocumentView.NAME));
        JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store,
            new ConsistencyTracker(DocumentIndexer.NAME))) {
      Map<String, Long> checkpoints = new java.util.LinkedHashMap<>();
      checkpoints.put(DocumentView.NAME, view.checkpoint());
      checkpoints.put(DocumentIndexer.NAME, indexer.checkpoint());
      return new StorageFactory.Progress(database.description(), store.lastOrdinal(), checkpoints);
    }
  }

  private static void catchUp(JdbcDocumentView view, JdbcDocumentIndexer indexer) {
    long started = System.nanoTime();
    try {
      CompletableFuture.allOf(view.start(), indexer.start()).get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while read models caught up", e);
    } catch (Exception e) {
      throw new IllegalStateException("Read models could not catch up with the store: " + e.getMessage(), e);
    }
    log.info("read models caught up checkpoint={} durationMs={}", view.checkpoint(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
