package dev.quire.examples.testruns;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The application's queries on {@code test_runs_view}: plain SQL on its own database. To read its
 * own write, the caller first waits for the write's token (see {@link TestRunsApp#viewAfter}).
 */
public final class TestRunsView {

  private static final String COLUMNS = "id, title, status, total_results, passed, failed, skipped, updated_at";

  private final DataSource dataSource;

  public TestRunsView(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  public Optional<TestRunRow> find(String id) {
    List<TestRunRow> rows = query("SELECT " + COLUMNS + " FROM test_runs_view WHERE id = ?", id);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Every row, by id. */
  public List<TestRunRow> all() {
    return query("SELECT " + COLUMNS + " FROM test_runs_view ORDER BY id");
  }

  private List<TestRunRow> query(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<TestRunRow> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String status = result.getString("status");
          rows.add(new TestRunRow(
              result.getString("id"),
              result.getString("title"),
              status == null ? null : TestRunStatus.valueOf(status),
              result.getInt("total_results"),
              result.getInt("passed"),
              result.getInt("failed"),
              result.getInt("skipped"),
              Instant.ofEpochMilli(result.getLong("updated_at"))));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot query test_runs_view: " + e.getMessage(), e);
    }
  }
}
