package dev.quire.jdbc;

import java.util.StringJoiner;

/**
 * Every SQL statement of {@link JdbcOperationStore}, per dialect. The two dialects share most text;
 * where they differ it is spelled out here and nowhere else.
 */
final class OperationSql {

  private static final String TABLE = "quire_operations";

  /**
   * Serialises appenders on PostgreSQL for the rest of the transaction (null on SQLite, where
   * {@code BEGIN IMMEDIATE} already holds the database's single write lock). Taken before the
   * ordinals are chosen, it makes ordinals become visible in commit order, so a reader that tails
   * by ordinal can never see a higher ordinal before a lower one. The key is per schema so that
   * separate Quire installations in one database do not serialise each other.
   */
  final String lockAppends;

  final String maxOrdinal = "SELECT COALESCE(MAX(ordinal), 0) FROM " + TABLE;

  final String insert;

  /** How every operation read here selects its columns and reads them back. */
  final OperationRows.Format rows;

  final String selectRange;

  final String sinceOrdinal;

  /**
   * A replay in document order: operations up to an ordinal, from the first document after a given
   * one, in the unique index's order (document, stream, index), which both databases walk without a
   * sort, so a page costs its own rows, not the table's. Sorting each document's rows by ordinal is
   * left to the caller: SQLite's per-document sort was a fifth of its time for the query. Parameters:
   * document id, ordinal bound, limit.
   */
  final String inDocumentOrder;

  /**
   * The streams of one document with operations in an ordinal range, each with its first index in
   * it: document id, after ordinal, ordinal bound. One pass over the document's index entries.
   */
  final String streamsAfter;

  /**
   * (op_index, ordinal) of a stream's operations from an index on, up to an ordinal bound, from the
   * unique index alone: document id, scope, branch, first index, ordinal bound, limit.
   */
  final String streamOrdinals;

  /**
   * Per scope of a document branch, its highest index (NULL for a scope only on other branches).
   * Parameters: the document id three times, then the branch. The unique index leads with
   * (document_id, scope), so this walks the document's scopes one index seek each (a skip scan)
   * and takes each scope's MAX from the index, instead of reading every operation of the document.
   */
  final String revisions =
      "WITH RECURSIVE s(scope) AS ("
          + " SELECT MIN(scope) FROM " + TABLE + " WHERE document_id = ?"
          + " UNION ALL"
          + " SELECT (SELECT MIN(o.scope) FROM " + TABLE + " o WHERE o.document_id = ? AND o.scope > s.scope)"
          + " FROM s WHERE s.scope IS NOT NULL)"
          + " SELECT s.scope, (SELECT MAX(o.op_index) FROM " + TABLE
          + " o WHERE o.document_id = ? AND o.scope = s.scope AND o.branch = ?)"
          + " FROM s WHERE s.scope IS NOT NULL";

  final String documentType = "SELECT document_type FROM " + TABLE + " WHERE document_id = ? LIMIT 1";

  private OperationSql(
      OperationRows.Format rows, String lockAppends, String actionParameter, String ordinalFilter) {
    this.rows = rows;
    this.lockAppends = lockAppends;
    this.selectRange = "SELECT " + rows.columns + " FROM " + TABLE
        + " WHERE document_id = ? AND scope = ? AND branch = ? AND op_index >= ? AND op_index < ? ORDER BY op_index";
    this.sinceOrdinal = "SELECT " + rows.columns + " FROM " + TABLE + " WHERE ordinal > ? ORDER BY ordinal LIMIT ?";
    this.inDocumentOrder = "SELECT " + rows.columns + " FROM " + TABLE
        + " WHERE document_id > ? AND " + ordinalFilter + " <= ? ORDER BY document_id, scope, branch, op_index LIMIT ?";
    this.streamsAfter = "SELECT scope, branch, MIN(op_index) FROM " + TABLE + " WHERE document_id = ? AND "
        + ordinalFilter + " > ? AND " + ordinalFilter + " <= ? GROUP BY scope, branch";
    this.streamOrdinals = "SELECT op_index, ordinal FROM " + TABLE + " WHERE document_id = ? AND scope = ? AND branch = ?"
        + " AND op_index >= ? AND " + ordinalFilter + " <= ? ORDER BY op_index LIMIT ?";
    this.insert =
        "INSERT INTO " + TABLE
            + " (ordinal, job_id, op_id, document_id, document_type, scope, branch, op_index, skip, op_timestamp,"
            + " hash, action_type, action, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + actionParameter + ", ?)";
  }

  static OperationSql forDialect(Dialect dialect) {
    return switch (dialect) {
      // "+ordinal": the bound covers nearly every row, and must not tempt SQLite into scanning by
      // ordinal and sorting the whole table instead of walking the document_id index.
      case SQLITE -> new OperationSql(OperationRows.Format.PACKED, null, "?", "+ordinal");
      case POSTGRESQL ->
          new OperationSql(OperationRows.Format.SEPARATE,
              "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '." + TABLE + "', 0))",
              "CAST(? AS json)", "ordinal");
    };
  }

  /**
   * Per stream (document_id, scope, branch given as {@code count} parameter triples), its highest
   * index or NULL. A correlated MAX per stream lets both databases answer from the unique index.
   */
  String heads(int count) {
    return StreamValues.select("(SELECT MAX(o.op_index) FROM " + TABLE
        + " o WHERE o.document_id = v.column1 AND o.scope = v.column2 AND o.branch = v.column3)", count);
  }

  /** (stream, op_id, skip) of rows whose (document_id, scope, branch, op_id) is one of {@code count} quadruples. */
  String operationIds(int count) {
    return "SELECT o.document_id, o.scope, o.branch, o.op_id, o.skip FROM (VALUES " + tuples(count, 4)
        + ") AS v JOIN " + TABLE
        + " o ON o.document_id = v.column1 AND o.scope = v.column2 AND o.branch = v.column3 AND o.op_id = v.column4";
  }

  /** Per document id (given as {@code count} parameters), its recorded type or NULL. */
  String documentTypes(int count) {
    return "SELECT v.column1, (SELECT o.document_type FROM " + TABLE + " o WHERE o.document_id = v.column1 LIMIT 1)"
        + " FROM (VALUES " + tuples(count, 1) + ") AS v";
  }

  /** One stream's operations after an index, optionally filtered; ends with the limit parameter. */
  String since(int actionTypeCount, boolean from, boolean to) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(rows.columns)
            .append(" FROM ")
            .append(TABLE)
            .append(" WHERE document_id = ? AND scope = ? AND branch = ? AND op_index > ?");
    if (actionTypeCount > 0) {
      sql.append(" AND action_type IN (").append(placeholders(actionTypeCount)).append(')');
    }
    if (from) {
      sql.append(" AND op_timestamp >= ?");
    }
    if (to) {
      sql.append(" AND op_timestamp <= ?");
    }
    return sql.append(" ORDER BY op_index LIMIT ?").toString();
  }

  /** Operations in an ordinal range, of {@code actionTypeCount} types (0: all); ends with the limit parameter. */
  String sinceOrdinalUpTo(int actionTypeCount) {
    return "SELECT " + rows.columns + " FROM " + TABLE + " WHERE ordinal > ? AND ordinal <= ?"
        + (actionTypeCount == 0 ? "" : " AND action_type IN (" + placeholders(actionTypeCount) + ")")
        + " ORDER BY ordinal LIMIT ?";
  }

  static String tuples(int count, int width) {
    String tuple = "(" + placeholders(width) + ")";
    StringJoiner joiner = new StringJoiner(", ");
    for (int i = 0; i < count; i++) {
      joiner.add(tuple);
    }
    return joiner.toString();
  }

  private static String placeholders(int count) {
    StringJoiner joiner = new StringJoiner(", ");
    for (int i = 0; i < count; i++) {
      joiner.add("?");
    }
    return joiner.toString();
  }
}
