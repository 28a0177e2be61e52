package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hot read queries of the document view reach a document's snapshots through the snapshots'
 * primary key on PostgreSQL. Planned with sequential scans disabled, so the planner takes an
 * index seek whenever one applies, whatever the table sizes: a plan whose snapshot access has no
 * index condition on the document id has no usable index for it (a collation mismatch between the
 * joined columns did exactly that to every read by id or slug: it read all snapshots of the branch).
 */
class PostgresQueryPlanTest {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static final String[] BY_ID_OR_SLUG = {"main", "doc-7", "doc-7", "main", "main", "doc-7", "main"};

  private static QuireDatabase database;

  @BeforeAll
  static void open() {
    database = QuireDatabase.open(postgres.url());
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void documentLoadUsesTheSnapshotsPrimaryKey() throws SQLException {
    assertThat(snapshotsAccess(plan(JdbcDocumentView.Rows.loadSql(Tables.LIVE), "doc", "main")))
        .anyMatch(line -> line.contains("Index Cond") && line.contains("document_id ="));
  }

  @Test
  void readByIdOrSlugJoinsSnapshotsThroughTheirPrimaryKey() throws SQLException {
    // Without a shared collation the snapshots were read by branch alone and hash-joined.
    List<String> access = snapshotsAccess(plan(JdbcDocumentView.Rows.loadByIdOrSlugSql(true), BY_ID_OR_SLUG));
    long scans = access.stream().filter(line -> line.contains("on quire_snapshots ")).count();
    assertThat(access).as("each read of quire_snapshots seeks a document id: %s", access)
        .filteredOn(line -> line.contains("Index Cond") && line.contains("(document_id = "))
        .hasSize((int) scans);
  }

  @Test
  void readByIdOrSlugFindsTheDocumentsByTheirPrimaryKeyBeforeTheTableHasStatistics() throws SQLException {
    // A fresh schema: 1,000 documents of one type that no ANALYZE has seen, and the generic plan a
    // pooled connection keeps. An OR of the two ids was planned as a scan of the branch's documents.
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE quire_documents SET (autovacuum_enabled = false)");
      s.execute("INSERT INTO quire_documents (document_id, branch, document_type, created, deleted)"
          + " SELECT 'doc-' || g, 'main', 'bench/doc', true, false FROM generate_series(1, 1000) g");
    }
    List<String> plan = genericPlan(JdbcDocumentView.Rows.loadByIdOrSlugSql(true), BY_ID_OR_SLUG);
    assertThat(plan).as("plan: %s", plan)
        .noneMatch(line -> line.contains("quire_documents_type"))
        .anyMatch(line -> line.contains("quire_documents_pkey"));
  }

  /** The plan lines of the access to quire_snapshots: its scan node and the conditions under it. */
  private static List<String> snapshotsAccess(List<String> plan) {
    List<String> access = new ArrayList<>();
    boolean inside = false;
    for (String line : plan) {
      if (line.contains("on quire_snapshots")) {
        inside = true;
      } else if (inside && line.contains("->") && !line.contains("on quire_snapshots") && !line.contains("Bitmap Index Scan")) {
        inside = false;
      }
      if (inside) {
        access.add(line.trim());
      }
    }
    assertThat(access).as("plan reads quire_snapshots: %s", plan).isNotEmpty();
    return access;
  }

  /** The plan PostgreSQL keeps for {@code sql} once it stops planning per call. */
  private static List<String> genericPlan(String sql, String... parameters) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
    }
    List<String> lines = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE by_id_or_slug AS " + numbered);
      StringBuilder arguments = new StringBuilder();
      for (String parameter : parameters) {
        arguments.append(arguments.isEmpty() ? "" : ", ").append('\'').append(parameter).append('\'');
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE by_id_or_slug(" + arguments + ")")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      } finally {
        s.execute("DEALLOCATE by_id_or_slug");
        s.execute("RESET plan_cache_mode");
      }
    }
    return lines;
  }

  private static List<String> plan(String sql, String... parameters) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET enable_seqscan = off");
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < parameters.length; i++) {
          ps.setString(i + 1, parameters[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("RESET enable_seqscan");
        }
      }
    }
    return lines;
  }
}
