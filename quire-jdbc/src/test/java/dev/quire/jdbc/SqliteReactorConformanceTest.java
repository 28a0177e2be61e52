package dev.quire.jdbc;

import dev.quire.ReactorConformance;
import dev.quire.concurrent.Scheduler;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The reactor conformance suite on SQLite: each test's reactor gets a new database file. */
class SqliteReactorConformanceTest extends ReactorConformance {

  // Static: a @Nested test's outer instance gets no per-test @TempDir injected.
  @TempDir static Path dir;
  private static final AtomicInteger databases = new AtomicInteger();

  @Override
  protected Storage openStorage(Scheduler scheduler) {
    Path file = dir.resolve("reactor-" + databases.incrementAndGet() + ".db");
    return JdbcReactorFixtures.started("sqlite:" + file, scheduler, false);
  }
}
