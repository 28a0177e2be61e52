package dev.quire.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The indexer's edge statements of one transaction, run in order with consecutive statements of the
 * same SQL sent as one JDBC batch. On PostgreSQL each statement run alone is a round trip: a rebuild
 * of 100,000 edges spent most of its time waiting on them; a batch goes in one.
 */
final class EdgeWrites {

  private final Connection connection;
  private final List<String[]> pending = new ArrayList<>();
  private String pendingSql;

  EdgeWrites(Connection connection) {
    this.connection = connection;
  }

  /** Queues {@code sql} with its string parameters, after everything queued before. */
  void add(String sql, String... parameters) throws SQLException {
    if (!sql.equals(pendingSql)) {
      flush();
      pendingSql = sql;
    }
    pending.add(parameters);
  }

  /** Runs what is queued. */
  void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    Statements.run(connection, pendingSql, ps -> {
      for (String[] parameters : pending) {
        for (int i = 0; i < parameters.length; i++) {
          ps.setString(i + 1, parameters[i]);
        }
        ps.addBatch();
      }
      return ps.executeBatch();
    });
    pending.clear();
  }
}
