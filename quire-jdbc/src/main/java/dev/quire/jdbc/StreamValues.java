package dev.quire.jdbc;

import dev.quire.consistency.StreamKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One number per stream in one query: the streams as a {@code VALUES} list of (document_id, scope,
 * branch) and, per row, a scalar subquery over {@code v.column1..3}. The subquery runs per row, so
 * each stream is an index lookup whatever the planner knows of the table (no join to misplan).
 */
final class StreamValues {

  /** Receives a stream and its number, null when the subquery found none. */
  @FunctionalInterface
  interface Row {
    void accept(StreamKey stream, Long value);
  }

  private StreamValues() {}

  /** {@code perStream}: a scalar subquery in parentheses; its own parameters come before the streams'. */
  static String select(String perStream, int streams) {
    return "SELECT v.column1, v.column2, v.column3, " + perStream
        + " FROM (VALUES " + OperationSql.tuples(streams, 3) + ") AS v";
  }

  /** Binds {@code streams} from parameter {@code first} on, runs the query and hands each row over. */
  static void run(PreparedStatement ps, int first, List<StreamKey> streams, Row row) throws SQLException {
    int i = first;
    for (StreamKey stream : streams) {
      ps.setString(i++, stream.documentId());
      ps.setString(i++, stream.scope());
      ps.setString(i++, stream.branch());
    }
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long value = rs.getLong(4);
        Long found = rs.wasNull() ? null : value; // before any other getter: wasNull is about the last one
        row.accept(StreamKey.of(rs.getString(1), rs.getString(2), rs.getString(3)), found);
      }
    }
  }
}
