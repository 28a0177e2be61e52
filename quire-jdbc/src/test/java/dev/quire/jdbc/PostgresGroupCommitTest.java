package dev.quire.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresGroupCommitTest extends GroupCommitContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static QuireDatabase database;

  @Override
  protected QuireDatabase database() {
    if (database == null) {
      database = QuireDatabase.open(postgres.url());
    }
    Databases.clear(database);
    return database;
  }

  @AfterAll
  static void closeDatabase() {
    if (database != null) {
      database.close();
      database = null;
    }
  }
}
