package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadGate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read model whose own rows record its progress (the document view's snapshots), and the migration to it. */
class ReadModelProgressTableTest {

  @TempDir Path dir;

  @Test
  void a_read_model_that_records_its_own_progress_cannot_leave_action_types_out() {
    ReadModelEngine.Applier applier = new ReadModelEngine.Applier() {
      @Override
      public Runnable apply(Connection c, List<OperationWithContext> operations, Tables tables) {
        return NOTHING;
      }

      @Override
      public Set<String> actionTypes() {
        return Set.of("ADD_RELATIONSHIP");
      }

      @Override
      public String progressTable() {
        return "quire_snapshots";
      }
    };
    try (QuireDatabase database = QuireDatabase.open(Databases.sqliteUrl(dir));
        JdbcOperationStore store = new JdbcOperationStore(database)) {
      assertThatThrownBy(() -> new ReadModelEngine("partial", database, store, new ConsistencyTracker("partial"),
          ReadGate.DEFAULT_TIMEOUT, applier, List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("partial")
          .hasMessageContaining("quire_snapshots");
    }
  }

  @Test
  void the_migration_drops_the_view_s_old_progress_rows_and_keeps_the_others() throws Exception {
    String jdbcUrl = "jdbc:sqlite:" + dir.resolve("quire.db");
    Flyway.configure()
        .dataSource(jdbcUrl, null, null)
        .locations(Dialect.SQLITE.migrationLocation())
        .table("quire_schema_history")
        .target("5")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      s.execute("INSERT INTO quire_stream_progress (read_model, document_id, scope, branch, last_index) VALUES"
          + " ('document-view', 'doc-1', 'global', 'main', 3), ('document-indexer', 'doc-1', 'global', 'main', 3)");
      s.execute("CREATE TABLE quire_stream_progress_rebuild_document_view AS SELECT * FROM quire_stream_progress");
    }

    try (QuireDatabase database = QuireDatabase.open(Databases.sqliteUrl(dir));
        Connection c = database.dataSource().getConnection()) {
      assertThat(rows(c, "SELECT read_model FROM quire_stream_progress")).containsExactly("document-indexer");
      assertThat(rows(c, "SELECT name FROM sqlite_master WHERE name = 'quire_stream_progress_rebuild_document_view'"))
          .isEmpty();
    }
  }

  private static List<String> rows(Connection c, String query) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    return found;
  }
}
