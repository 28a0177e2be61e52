package dev.quire.sync;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

class SqliteJdbcSyncStoreTest extends JdbcSyncStoreContract {

  @TempDir
  Path dir;

  @Override
  String url() {
    return "sqlite:" + dir.resolve("sync-" + UUID.randomUUID() + ".db");
  }
}
