package dev.quire.jdbc;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.view.DocumentView;
import dev.quire.view.DocumentViewConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The document view contract on SQLite, one fresh database file per test. */
class SqliteDocumentViewTest extends DocumentViewConformance {

  @TempDir Path dir;
  private final Resources resources = new Resources();

  @Override
  protected DocumentView createView(DocumentModelRegistry registry, ConsistencyTracker tracker) {
    QuireDatabase database = resources.add(QuireDatabase.open(Databases.sqliteUrl(dir)));
    JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
    return resources.add(new JdbcDocumentView(database, store, registry, tracker));
  }

  @AfterEach
  void close() {
    resources.close();
  }
}
