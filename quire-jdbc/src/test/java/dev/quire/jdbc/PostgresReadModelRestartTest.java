package dev.quire.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReadModelRestartTest extends ReadModelRestartContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private boolean emptied;

  @Override
  protected QuireDatabase openDatabase() {
    QuireDatabase database = QuireDatabase.open(postgres.url());
    if (!emptied) {
      Databases.clear(database);
      emptied = true;
    }
    return database;
  }
}
