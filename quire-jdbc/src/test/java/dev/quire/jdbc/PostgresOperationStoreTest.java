package dev.quire.jdbc;

import dev.quire.store.OperationStore;
import dev.quire.store.OperationStoreConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operation store contract on PostgreSQL, in a schema of its own, emptied before each test. */
class PostgresOperationStoreTest extends OperationStoreConformance {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static QuireDatabase database;

  @BeforeAll
  static void openDatabase() {
    database = QuireDatabase.open(postgres.url());
  }

  @AfterAll
  static void closeDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Override
  protected OperationStore createStore() {
    Databases.clear(database);
    return new JdbcOperationStore(database);
  }
}
