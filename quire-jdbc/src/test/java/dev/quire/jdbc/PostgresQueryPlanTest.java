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
    assertThat(snapshotsAccess(plan(JdbcDocumentView.Rows.loadByIdOrSlugSql(true),
        "main", "doc", "main", "doc", "main", "doc")))
        .anyMatch(line -> line.contains("Index Cond") && line.contains("document_id = d.document_id"));
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
