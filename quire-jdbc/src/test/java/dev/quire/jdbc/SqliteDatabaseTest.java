package dev.quire.jdbc;

import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.OperationWithContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, configuring and reopening a SQLite database file. */
class SqliteDatabaseTest {

  @TempDir Path dir;

  @Test
  void open_createsTheFolderAndTheFileInWalMode() throws Exception {
    Path file = dir.resolve("nested/data/quire.db");
    try (QuireDatabase db = QuireDatabase.open("sqlite:" + file)) {
      assertThat(Files.exists(file)).isTrue();
      assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void aFileIsOpenedByOneQuireDatabaseAtATime_andIsFreeAgainOnceItCloses() {
    String url = Databases.sqliteUrl(dir);
    try (QuireDatabase first = QuireDatabase.open(url)) {
      assertThatThrownBy(() -> QuireDatabase.open(url))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("already open in this process");
      assertThat(first.dialect()).isEqualTo(Dialect.SQLITE);
    }
    try (QuireDatabase again = QuireDatabase.open(url)) {
      assertThat(again.dialect()).isEqualTo(Dialect.SQLITE);
    }
  }

  @Test
  void aFileOpenInAnotherProcessIsRefused_andFreedWhenThatProcessDies() throws Exception {
    String url = Databases.sqliteUrl(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), url, "1")
        .redirectError(dir.resolve("child-stderr.log").toFile())
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      while (line != null && !line.equals(CrashChild.READY)) {
        line = out.readLine();
      }
      assertThat(line).as("the child opened the database; see child-stderr.log").isEqualTo(CrashChild.READY);

      assertThatThrownBy(() -> QuireDatabase.open(url))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("open in another Quire process");
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    try (QuireDatabase afterTheCrash = QuireDatabase.open(url)) {
      assertThat(afterTheCrash.dialect()).isEqualTo(Dialect.SQLITE);
    }
  }

  @Test
  void durabilityFull_syncsEveryCommit() throws Exception {
    try (QuireDatabase db = QuireDatabase.open(Databases.sqliteUrl(dir), DatabaseConfig.DEFAULTS)) {
      assertThat(pragma(db, "synchronous")).isEqualTo("2");
    }
  }

  @Test
  void durabilityNormal_syncsAtCheckpoints() throws Exception {
    DatabaseConfig config = DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL);
    try (QuireDatabase db = QuireDatabase.open(Databases.sqliteUrl(dir), config)) {
      assertThat(pragma(db, "synchronous")).isEqualTo("1");
    }
  }

  @Test
  void walIsCheckpointedInTheBackgroundNotByTheCommitThatFillsIt() throws Exception {
    String url = Databases.sqliteUrl(dir);
    long before = checkpointThreads(); // databases other tests left open have theirs
    try (JdbcOperationStore store = JdbcOperationStore.open(url, DatabaseConfig.DEFAULTS)) {
      QuireDatabase db = store.database();
      assertThat(pragma(db, "wal_autocheckpoint")).isEqualTo(Integer.toString(WalCheckpointer.FALLBACK_PAGES));
      assertThat(checkpointThreads()).isEqualTo(before + 1);
      for (int i = 0; i < 20; i++) {
        store.append(batch(append(stream("doc"), operations(i * 50, 50))));
      }
      // A pass with no reader in the way copies every frame back into the database file.
      DatabaseFileFlusher notFlushing = new DatabaseFileFlusher(dir.resolve("quire.db"));
      notFlushing.close(); // passes only
      try (WalCheckpointer checkpointer = new WalCheckpointer(db.dataSource(), Duration.ofHours(1), db.writeGate(),
          notFlushing, WalCheckpointer.RESTART_PAGES, true)) {
        assertThat(checkpointer.checkpoint()).isZero();
      }
    }
    assertThat(checkpointThreads()).as("closing the database stops its checkpoint thread").isEqualTo(before);
  }

  private static long checkpointThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("quire-sqlite-checkpoint") && t.isAlive())
        .count();
  }

  @Test
  void reopen_keepsTheOperationsAndContinuesTheOrdinals() {
    String url = Databases.sqliteUrl(dir);
    try (JdbcOperationStore store = JdbcOperationStore.open(url, DatabaseConfig.DEFAULTS)) {
      store.append(batch(append(stream("doc"), operations(0, 3))));
    }

    try (JdbcOperationStore store = JdbcOperationStore.open(url, DatabaseConfig.DEFAULTS)) {
      assertThat(store.lastOrdinal()).isEqualTo(3);
      assertThat(store.append(batch(append(stream("doc"), operations(3, 1)))))
          .extracting(OperationWithContext::ordinal)
          .containsExactly(4L);
    }
  }

  private static String pragma(QuireDatabase db, String name) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
