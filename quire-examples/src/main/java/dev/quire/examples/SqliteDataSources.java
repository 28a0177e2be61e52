package dev.quire.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** An application database for the examples: one SQLite file. */
public final class SqliteDataSources {

  private SqliteDataSources() {}

  /**
   * A data source on {@code file} (created if missing) in WAL mode, so queries never wait for the
   * listener's transactions. Write transactions start IMMEDIATE and wait up to 30 s for the write
   * lock instead of failing. Every {@code getConnection()} opens a new connection; wrap it in a
   * pool for real traffic.
   */
  public static DataSource file(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the folder of " + file, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // A process crash loses nothing in WAL mode with NORMAL; only an OS crash may lose the last commits.
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(30_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    return source;
  }
}
