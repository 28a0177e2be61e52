package dev.quire.jdbc;

import dev.quire.ReactorConformance;
import dev.quire.concurrent.Scheduler;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reactor conformance suite on PostgreSQL: one schema for the class, emptied before each
 * test's reactor. Skipped (or failed with {@code -Dquire.requirePostgres=true}) without a server.
 */
class PostgresReactorConformanceTest extends ReactorConformance {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  @Override
  protected Storage openStorage(Scheduler scheduler) {
    return JdbcReactorFixtures.started(postgres.url(), scheduler, true);
  }
}
