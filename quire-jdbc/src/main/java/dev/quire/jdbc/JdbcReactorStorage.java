package dev.quire.jdbc;

import dev.quire.ReactorBuilder;
import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.view.DocumentView;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A reactor's durable storage on one database URL: the migrated {@link QuireDatabase}, the {@link
 * JdbcOperationStore}, and the {@link JdbcDocumentView} and {@link JdbcDocumentIndexer} keeping
 * durable checkpoints. The one place that wires these pieces together, for the server and for
 * embedders alike.
 *
 * <pre>{@code
 * try (JdbcReactorStorage storage = JdbcReactorStorage.open("sqlite:quire.db", DatabaseConfig.DEFAULTS,
 *         DocumentModelRegistry.discovered(), Scheduler.system(), Duration.ofSeconds(10))) {
 *   storage.start().join();                      // read models catch up before the first write
 *   try (Reactor reactor = storage.configure(Reactor.builder()).build()) {
 *     ...
 *   }                                           // the reactor closes the store first
 * }
 * }</pre>
 *
 * <p>A reactor given the store closes it, draining its queued appends; close this storage after
 * the reactor. {@link #close()} closes the store too (idempotent), then the read models, then the
 * database.
 */
public final class JdbcReactorStorage implements AutoCloseable {

  private final QuireDatabase database;
  private final JdbcOperationStore store;
  private final JdbcDocumentView view;
  private final JdbcDocumentIndexer indexer;

  private JdbcReactorStorage(QuireDatabase database, JdbcOperationStore store, JdbcDocumentView view,
      JdbcDocumentIndexer indexer) {
    this.database = database;
    this.store = store;
    this.view = view;
    this.indexer = indexer;
  }

  /**
   * Opens and migrates the database at {@code url} and builds the store and read models on it.
   *
   * @param models the document models, for the view to re-reduce operations it catches up on
   * @param scheduler the clock of the read models' token waits (use the reactor's)
   * @param readTimeout the default wait of token-gated queries made on the read models directly
   * @throws IllegalArgumentException for a URL of an unknown kind
   * @throws StorageException when the database cannot be reached or migrated
   */
  public static JdbcReactorStorage open(String url, DatabaseConfig config, DocumentModelRegistry models,
      Scheduler scheduler, Duration readTimeout) {
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(scheduler, "scheduler");
    QuireDatabase database = QuireDatabase.open(url, config);
    try {
      JdbcOperationStore store = new JdbcOperationStore(database);
      JdbcDocumentView view = new JdbcDocumentView(database, store, models,
          new ConsistencyTracker(DocumentView.NAME, scheduler), readTimeout);
      JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store,
          new ConsistencyTracker(DocumentIndexer.NAME, scheduler), readTimeout);
      return new JdbcReactorStorage(database, store, view, indexer);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Gives {@code builder} this storage's operation store, document view and indexer; returns it. */
  public ReactorBuilder configure(ReactorBuilder builder) {
    return builder.operationStore(store).documentView(view).documentIndexer(indexer);
  }

  /**
   * Starts both read models: each seeds its tracker from stored progress and catches up with the
   * store from its checkpoint. Completes when both have caught up; call it before the first write.
   */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(view.start(), indexer.start());
  }

  public QuireDatabase database() {
    return database;
  }

  public JdbcOperationStore store() {
    return store;
  }

  public JdbcDocumentView view() {
    return view;
  }

  public JdbcDocumentIndexer indexer() {
    return indexer;
  }

  public String description() {
    return database.description();
  }

  /** Closes the store (a no-op once the reactor has), the read models and then the database. */
  @Override
  public void close() {
    try {
      store.close();
      view.close();
      indexer.close();
    } finally {
      database.close();
    }
  }
}
