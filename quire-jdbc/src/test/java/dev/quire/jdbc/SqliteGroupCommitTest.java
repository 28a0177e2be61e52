package dev.quire.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteGroupCommitTest extends GroupCommitContract {

  @TempDir Path dir;
  @Override
  protected QuireDatabase database() {
    return QuireDatabase.open(Databases.sqliteUrl(dir));
  }

  @Override
  protected void release(QuireDatabase database) {
    database.close();
  }
}
