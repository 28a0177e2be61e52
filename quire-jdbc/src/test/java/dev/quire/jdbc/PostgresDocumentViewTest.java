package dev.quire.jdbc;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.view.DocumentView;
import dev.quire.view.DocumentViewConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The document view contract on PostgreSQL, in a schema of its own, emptied before each test. */
class PostgresDocumentViewTest extends DocumentViewConformance {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static QuireDatabase database;
  private final Resources resources = new Resources();

  @Override
  protected DocumentView createView(DocumentModelRegistry registry, ConsistencyTracker tracker) {
    if (database == null) {
      database = QuireDatabase.open(postgres.url(), config());
    }
    Databases.clear(database);
    JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
    return resources.add(new JdbcDocumentView(database, store, registry, tracker));
  }

  /** How the class's database is opened; subclasses run the same contract in another mode. */
  protected DatabaseConfig config() {
    return DatabaseConfig.DEFAULTS;
  }

  @AfterEach
  void close() {
    resources.close();
  }

  @AfterAll
  static void closeDatabase() {
    if (database != null) {
      database.close();
      database = null;
    }
  }
}
