package dev.quire.jdbc;

import dev.quire.store.OperationStore;
import dev.quire.store.OperationStoreConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The operation store contract on SQLite, one fresh database file per test. */
class SqliteOperationStoreTest extends OperationStoreConformance {

  @TempDir Path dir;

  @Override
  protected OperationStore createStore() {
    return JdbcOperationStore.open(Databases.sqliteUrl(dir), DatabaseConfig.DEFAULTS);
  }
}
