package dev.quire.jdbc;

/** The document view contract on PostgreSQL opened exclusive (the view remembers its committed rows). */
class PostgresExclusiveDocumentViewTest extends PostgresDocumentViewTest {

  @Override
  protected DatabaseConfig config() {
    return DatabaseConfig.DEFAULTS.withExclusive(true);
  }
}
