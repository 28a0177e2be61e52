package dev.quire.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteReadModelRebuildTest extends ReadModelRebuildContract {

  @TempDir Path dir;

  @Override
  protected QuireDatabase openDatabase() {
    return QuireDatabase.open(Databases.sqliteUrl(dir));
  }

  @Override
  protected String indexNamesQuery() {
    return "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name";
  }

  @Override
  protected int rebuildsAtOnce() {
    return 1;
  }
}
