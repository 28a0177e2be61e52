package dev.quire.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The crash test on PostgreSQL: the child JVM, killed with SIGKILL mid-write, holds open
 * connections and transactions the server must roll back; this class's fresh schema is the
 * database.
 */
class PostgresCrashRecoveryTest extends CrashRecoveryContract {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  @Override
  protected String url(Path dir) {
    return postgres.url();
  }
}
