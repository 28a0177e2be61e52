package dev.quire.jdbc;

import java.nio.file.Path;

/** The crash test on SQLite: a database file in the test's temporary folder. */
class SqliteCrashRecoveryTest extends CrashRecoveryContract {

  @Override
  protected String url(Path dir) {
    return Databases.sqliteUrl(dir);
  }
}
