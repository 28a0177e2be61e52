package dev.quire.jdbc;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.DocumentIndexerConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The indexer contract on PostgreSQL, in a schema of its own, emptied before each test. */
class PostgresDocumentIndexerTest extends DocumentIndexerConformance {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static QuireDatabase database;
  private final Resources resources = new Resources();

  @Override
  protected DocumentIndexer createIndexer(ConsistencyTracker tracker) {
    if (database == null) {
      database = QuireDatabase.open(postgres.url());
    }
    Databases.clear(database);
    JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
    return resources.add(new JdbcDocumentIndexer(database, store, tracker));
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
