package dev.quire.jdbc;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.DocumentIndexerConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The indexer contract on SQLite, one fresh database file per test. */
class SqliteDocumentIndexerTest extends DocumentIndexerConformance {

  @TempDir Path dir;
  private final Resources resources = new Resources();

  @Override
  protected DocumentIndexer createIndexer(ConsistencyTracker tracker) {
    QuireDatabase database = resources.add(QuireDatabase.open(Databases.sqliteUrl(dir)));
    JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
    return resources.add(new JdbcDocumentIndexer(database, store, tracker));
  }

  @AfterEach
  void close() {
    resources.close();
  }
}
