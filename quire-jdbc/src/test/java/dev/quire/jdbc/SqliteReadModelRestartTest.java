package dev.quire.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteReadModelRestartTest extends ReadModelRestartContract {

  @TempDir Path dir;

  @Override
  protected QuireDatabase openDatabase() {
    return QuireDatabase.open(Databases.sqliteUrl(dir));
  }
}
