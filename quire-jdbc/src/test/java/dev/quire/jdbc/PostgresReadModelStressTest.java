package dev.quire.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReadModelStressTest extends ReadModelStressContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  @Override
  protected QuireDatabase openDatabase() {
    QuireDatabase database = QuireDatabase.open(postgres.url());
    Databases.clear(database);
    return database;
  }
}
