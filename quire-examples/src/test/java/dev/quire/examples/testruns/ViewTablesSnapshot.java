package dev.quire.examples.testruns;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Every row of the test-runs view tables, for row-by-row comparisons. */
final class ViewTablesSnapshot {

  private ViewTablesSnapshot() {}

  static Map<String, List<List<Object>>> of(DataSource database) {
    Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
    tables.put("test_runs_view", rows(database, "SELECT * FROM test_runs_view ORDER BY id"));
    tables.put("test_run_results_view", rows(database, "SELECT * FROM test_run_results_view ORDER BY run_id, result_id"));
    tables.put("test_runs_view_deleted", rows(database, "SELECT * FROM test_runs_view_deleted ORDER BY id"));
    return tables;
  }

  static List<List<Object>> rows(DataSource database, String sql) {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      List<List<Object>> rows = new ArrayList<>();
      while (result.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(result.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static void execute(DataSource database, String sql) {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
