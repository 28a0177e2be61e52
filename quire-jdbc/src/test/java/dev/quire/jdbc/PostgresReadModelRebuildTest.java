package dev.quire.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReadModelRebuildTest extends ReadModelRebuildContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  @Override
  protected QuireDatabase openDatabase() {
    QuireDatabase database = QuireDatabase.open(postgres.url());
    Databases.clear(database);
    return database;
  }

  @Override
  protected String indexNamesQuery() {
    return "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname";
  }

  @Override
  protected int rebuildsAtOnce() {
    return 2;
  }
}
