package dev.quire.jdbc;

import dev.quire.ReactorConformance;
import dev.quire.ReactorStressContract;
import dev.quire.concurrent.Scheduler;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reactor stress test on SQLite at a tenth of the in-memory size: 8 threads, 1,000 documents,
 * 10,000 actions (every commit is fsynced, so the full 100,000 would take minutes).
 */
class SqliteReactorStress10kActionsTest extends ReactorStressContract {

  @TempDir Path dir;

  @Override
  protected ReactorConformance.Storage openStorage() {
    return JdbcReactorFixtures.started(Databases.sqliteUrl(dir), Scheduler.system(), false);
  }

  @Override
  protected int actions() {
    return 10_000;
  }
}
