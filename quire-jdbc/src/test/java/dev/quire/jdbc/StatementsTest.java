package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementsTest {

  @TempDir Path dir;

  @Test
  void aStatementIsReusedOnTheSameConnection_withItsParametersCleared() throws Exception {
    try (QuireDatabase database = QuireDatabase.open(Databases.sqliteUrl(dir));
        Connection c = database.dataSource().getConnection()) {
      PreparedStatement first = Statements.run(c, "SELECT ? + 1", ps -> {
        ps.setInt(1, 41);
        assertThat(single(ps)).isEqualTo(42);
        return ps;
      });
      PreparedStatement second = Statements.run(c, "SELECT ? + 1", ps -> {
        ps.setInt(1, 1);
        assertThat(single(ps)).isEqualTo(2);
        return ps;
      });
      assertThat(second).isSameAs(first);
      assertThat(second.isClosed()).isFalse();
    }
  }

  @Test
  void aStatementWhoseUseFailed_isClosedAndNotReused() throws Exception {
    try (QuireDatabase database = QuireDatabase.open(Databases.sqliteUrl(dir));
        Connection c = database.dataSource().getConnection()) {
      AtomicReference<PreparedStatement> failed = new AtomicReference<>();
      assertThatThrownBy(() -> Statements.run(c, "SELECT ? + 1", ps -> {
        failed.set(ps);
        throw new SQLException("boom");
      })).hasMessage("boom");
      assertThat(failed.get().isClosed()).isTrue();
      int result = Statements.run(c, "SELECT ? + 1", ps -> {
        assertThat(ps).isNotSameAs(failed.get());
        ps.setInt(1, 2);
        return single(ps);
      });
      assertThat(result).isEqualTo(3);
    }
  }

  @Test
  void aNestedUseOfTheSameSql_getsItsOwnStatement() throws Exception {
    try (QuireDatabase database = QuireDatabase.open(Databases.sqliteUrl(dir));
        Connection c = database.dataSource().getConnection()) {
      int result = Statements.run(c, "SELECT ? + 1", outer -> Statements.run(c, "SELECT ? + 1", inner -> {
        assertThat(inner).isNotSameAs(outer);
        outer.setInt(1, 1);
        inner.setInt(1, single(outer));
        return single(inner);
      }));
      assertThat(result).isEqualTo(3);
    }
  }

  private static int single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
