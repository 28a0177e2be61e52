package dev.quire.bench.load;

import dev.quire.ReactorBuilder;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import dev.quire.jdbc.JdbcDocumentIndexer;
import dev.quire.jdbc.JdbcDocumentView;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.jdbc.QuireDatabase;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationStore;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The storage of one benchmark run, opened from a {@link StorageSpec}: the operation store plus
 * factories for a document view and indexer on it. Every run starts empty: SQLite without a file
 * gets a fresh temporary folder and PostgreSQL a fresh schema, both removed on {@link #close()}.
 *
 * <p>Not thread-safe; one run owns it.
 */
final class BenchStorage implements AutoCloseable {

  private final StorageSpec spec;
  private final DocumentModelRegistry models;
  private final QuireDatabase database;
  private final OperationStore store;
  private final Path tempFolder;
  private final String temporarySchema;
  /** JDBC read models made here; closed before the database. */
  private final List<AutoCloseable> readModels = new ArrayList<>();

  private BenchStorage(
      StorageSpec spec, QuireDatabase database, OperationStore store, Path tempFolder, String temporarySchema) {
    this.temporarySchema = temporarySchema;
    this.spec = spec;
    this.models = DocumentModelRegistry.builder().discover(BenchStorage.class.getClassLoader()).build();
    this.database = database;
    this.store = store;
    this.tempFolder = tempFolder;
  }

  static BenchStorage open(StorageSpec spec) {
    if (spec.kind() == StorageSpec.Kind.MEMORY) {
      return new BenchStorage(spec, null, new InMemoryOperationStore(), null, null);
    }
    Path temp = null;
    String url = spec.url();
    if (url == null) {
      try {
        temp = Files.createTempDirectory("quire-bench-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a temporary folder for SQLite", e);
      }
      url = "sqlite:" + temp.resolve("quire.db");
    }
    // Pool: the group-committing writer, the two read models' writers, and readers.
    DatabaseConfig config = DatabaseConfig.DEFAULTS.withDurability(Durability.valueOf(spec.durability()))
        .withMaxPoolSize(16)
        .withExclusive(spec.exclusive())
        .withRememberedRows(spec.rememberedRows());
    String schema = null;
    if (spec.kind() == StorageSpec.Kind.POSTGRESQL) {
      // Every run starts empty: its own schema, dropped on close.
      schema = "quire_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      config = config.withSchema(schema);
    }
    QuireDatabase database = QuireDatabase.open(url, config);
    return new BenchStorage(spec, database, new JdbcOperationStore(database), temp, schema);
  }

  StorageSpec spec() {
    return spec;
  }

  /** The JDBC database both replicas' sync state can live in; null for in-memory storage. */
  QuireDatabase database() {
    return database;
  }

  OperationStore store() {
    return store;
  }

  DocumentModelRegistry models() {
    return models;
  }

  /** A new, empty-trackered document view on this storage (JDBC: not started). */
  DocumentView newView() {
    ConsistencyTracker tracker = new ConsistencyTracker(DocumentView.NAME);
    if (database == null) {
      return new InMemoryDocumentView(models, tracker);
    }
    JdbcDocumentView view = new JdbcDocumentView(database, store, models, tracker);
    readModels.add(view);
    return view;
  }

  /** A new document indexer on this storage (JDBC: not started). */
  DocumentIndexer newIndexer() {
    ConsistencyTracker tracker = new ConsistencyTracker(DocumentIndexer.NAME);
    if (database == null) {
      return new InMemoryDocumentIndexer(tracker);
    }
    JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store, tracker);
    readModels.add(indexer);
    return indexer;
  }

  /**
   * Starts a read model made by {@link #newView} or {@link #newIndexer}: a JDBC one catches up from
   * its checkpoint, an in-memory one has nothing to do.
   */
  static CompletableFuture<Void> start(Object readModel) {
    if (readModel instanceof JdbcDocumentView view) {
      return view.start();
    }
    if (readModel instanceof JdbcDocumentIndexer indexer) {
      return indexer.start();
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Rebuilds a JDBC read model from the whole store into fresh tables. */
  static CompletableFuture<Void> rebuild(Object readModel) {
    if (readModel instanceof JdbcDocumentView view) {
      return view.rebuild();
    }
    if (readModel instanceof JdbcDocumentIndexer indexer) {
      return indexer.rebuild();
    }
    throw new IllegalArgumentException("not a JDBC read model: " + readModel);
  }

  /** Whether {@code readModel} keeps its state in the database (and catches up by itself on start). */
  static boolean isJdbc(Object readModel) {
    return readModel instanceof JdbcDocumentView || readModel instanceof JdbcDocumentIndexer;
  }

  /** Puts this storage's store, view and indexer into a reactor (which then closes the store). */
  ReactorBuilder configure(ReactorBuilder builder) {
    builder.operationStore(store);
    if (database != null) {
      DocumentView view = newView();
      DocumentIndexer indexer = newIndexer();
      start(view).join();
      start(indexer).join();
      builder.documentView(view).documentIndexer(indexer);
    }
    return builder;
  }

  /**
   * Closes the store (again, harmlessly, if a reactor did), the JDBC read models and the database;
   * deletes a temporary folder.
   */
  @Override
  public void close() {
    try {
      store.close();
      for (AutoCloseable readModel : readModels) {
        try {
          readModel.close();
        } catch (Exception e) {
          throw new IllegalStateException("Closing " + readModel + " failed", e);
        }
      }
    } finally {
      if (database != null) {
        dropTemporarySchema();
        database.close();
      }
      if (tempFolder != null) {
        TempFolders.deleteQuietly(tempFolder);
      }
    }
  }

  /**
   * PostgreSQL: a {@code CHECKPOINT} before the timed part, so the server's own checkpoint (one per
   * half of {@code max_wal_size} of log or so: every run or two of {@code bench load} with the
   * default 1 GB) and the full-page images after it fall in the measured window less often (the
   * same build's open-loop p99 ranged from 12 to 109 ms between runs). Needs the right to checkpoint
   * (superuser or {@code pg_checkpoint}); without it the run goes on and says so.
   */
  void settle() {
    if (temporarySchema == null) {
      return;
    }
    try (Connection connection = database.dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
    } catch (SQLException e) {
      System.err.println("Could not run CHECKPOINT before the run (" + e.getMessage()
          + "); the server's own checkpoints may fall in the measured window");
    }
  }

  private void dropTemporarySchema() {
    if (temporarySchema == null) {
      return;
    }
    try (Connection connection = database.dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + temporarySchema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop the benchmark schema " + temporarySchema + ": " + e.getMessage());
    }
  }

}
