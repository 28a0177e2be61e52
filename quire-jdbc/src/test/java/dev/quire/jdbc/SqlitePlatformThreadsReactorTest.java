package dev.quire.jdbc;

import dev.quire.ReactorConformance;
import dev.quire.concurrent.Scheduler;
import dev.quire.concurrent.TaskThreads;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reactor conformance suite on SQLite with jobs, read-model applies and commit continuations on
 * platform threads: the default on JDK 21–23, which the build targets, while the tests run on a
 * newer JDK whose default is virtual threads.
 */
class SqlitePlatformThreadsReactorTest extends ReactorConformance {

  @TempDir static Path dir;
  private static final AtomicInteger databases = new AtomicInteger();
  private static String before;

  @BeforeAll
  static void platformThreads() {
    before = System.setProperty(TaskThreads.PROPERTY, "false");
  }

  @AfterAll
  static void restore() {
    if (before == null) {
      System.clearProperty(TaskThreads.PROPERTY);
    } else {
      System.setProperty(TaskThreads.PROPERTY, before);
    }
  }

  @Override
  protected Storage openStorage(Scheduler scheduler) {
    Path file = dir.resolve("reactor-" + databases.incrementAndGet() + ".db");
    return JdbcReactorFixtures.started("sqlite:" + file, scheduler, false);
  }
}
