package dev.quire.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Converts operations to and from their columns; the one place that knows the row encoding. */
final class OperationRows {

  /** The columns every operation read selects, in this order (see {@link #read}). */
  static final String COLUMNS =
      "ordinal, op_id, document_id, document_type, scope, branch, op_index, skip, op_timestamp, hash, action, error";

  // Fixed width (always nine fraction digits) so text order is time order in SQL comparisons.
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private OperationRows() {}

  static String timestamp(Instant instant) {
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw new IllegalArgumentException("Timestamp out of the storable range (years 0-9999): " + instant);
    }
    return TIMESTAMP.format(instant);
  }

  /** The action as stored: its JSON with absent fields left out, so a null context stays null. */
  static String actionJson(Action action) {
    ObjectNode node = Json.object();
    node.put("id", action.id());
    node.put("type", action.type());
    node.put("scope", action.scope());
    node.put("timestamp", action.timestamp().toString());
    node.set("input", action.input());
    if (action.context() != null) {
      node.set("context", action.context());
    }
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Action " + action.id() + " cannot be written as JSON", e);
    }
  }

  static Action action(String json) {
    try {
      JsonNode node = Json.mapper().readTree(json);
      JsonNode context = node.get("context");
      return new Action(
          node.get("id").asText(),
          node.get("type").asText(),
          node.get("scope").asText(),
          Instant.parse(node.get("timestamp").asText()),
          node.get("input"),
          context == null || context.isMissingNode() ? null : context);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored action is not valid JSON: " + json, e);
    }
  }

  /** Reads one row selected with {@link #COLUMNS}. */
  static OperationWithContext read(ResultSet rs) throws SQLException {
    Operation operation =
        new Operation(
            rs.getString("op_id"),
            rs.getLong("op_index"),
            rs.getInt("skip"),
            Instant.parse(rs.getString("op_timestamp")),
            rs.getString("hash"),
            action(rs.getString("action")),
            rs.getString("error"));
    return new OperationWithContext(
        operation,
        rs.getString("document_id"),
        rs.getString("document_type"),
        rs.getString("scope"),
        rs.getString("branch"),
        rs.getLong("ordinal"),
        null);
  }
}
