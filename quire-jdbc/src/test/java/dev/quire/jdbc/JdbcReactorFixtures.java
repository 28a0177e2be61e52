package dev.quire.jdbc;

import dev.quire.ReactorConformance;
import dev.quire.concurrent.Scheduler;
import dev.quire.model.DocumentModelRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens {@link JdbcReactorStorage} for the reactor-level contract suites. */
final class JdbcReactorFixtures {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private JdbcReactorFixtures() {}

  /** Opens the database at {@code url}, optionally empties it, and starts the read models. */
  static JdbcReactorStorage open(String url, Scheduler scheduler, boolean clear) {
    JdbcReactorStorage storage = JdbcReactorStorage.open(
        url, DatabaseConfig.DEFAULTS, DocumentModelRegistry.discovered(), scheduler, READ_TIMEOUT);
    try {
      if (clear) {
        Databases.clear(storage.database());
      }
      storage.start().get(30, TimeUnit.SECONDS);
      return storage;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      storage.close();
      throw new IllegalStateException("interrupted while the read models started", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      storage.close();
      throw new IllegalStateException("read models of " + storage.description() + " did not start", e);
    }
  }

  /** {@link #open}, as the storage of a conformance suite. */
  static ReactorConformance.Storage started(String url, Scheduler scheduler, boolean clear) {
    JdbcReactorStorage storage = open(url, scheduler, clear);
    return new ReactorConformance.Storage(storage.store(), storage.view(), storage.indexer(), storage);
  }
}
