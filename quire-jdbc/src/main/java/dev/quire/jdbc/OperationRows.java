package dev.quire.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
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

  /**
   * Parses a timestamp as {@link #timestamp} writes it, or as {@link Instant#toString} does (no
   * fraction, or one of up to nine digits), without a formatter: reading operations back spent more
   * time in {@code Instant.parse} than in SQLite. Any other ISO-8601 form falls back to
   * {@link Instant#parse}.
   */
  static Instant parseTimestamp(String text) {
    int length = text.length();
    boolean fraction = length >= 22 && length <= 30 && text.charAt(19) == '.';
    if ((length != 20 && !fraction) || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
      return Instant.parse(text);
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = fraction ? digits(text, 20, length - 1) : 0;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 + 3 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59 || nanos < 0) {
      return Instant.parse(text);
    }
    for (int i = length - 1; fraction && i < 29; i++) {
      nanos *= 10;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (DateTimeException e) {
      return Instant.parse(text);
    }
  }

  /** The decimal number in {@code text[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
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

  /**
   * The action {@link #actionJson} stored. Read with the streaming parser: only input and context
   * become trees, the four text fields are taken as they come (a tree for the whole action was a
   * sixth of a replay's read time).
   */
  static Action action(String json) {
    try (JsonParser parser = Json.mapper().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException("Stored action is not a JSON object: " + json);
      }
      String id = null;
      String type = null;
      String scope = null;
      String timestamp = null;
      JsonNode input = null;
      JsonNode context = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "id" -> id = parser.getValueAsString();
          case "type" -> type = parser.getValueAsString();
          case "scope" -> scope = parser.getValueAsString();
          case "timestamp" -> timestamp = parser.getValueAsString();
          case "input" -> input = Json.mapper().readTree(parser);
          case "context" -> context = Json.mapper().readTree(parser);
          default -> parser.skipChildren();
        }
      }
      if (id == null || type == null || scope == null || timestamp == null) {
        throw new IllegalStateException("Stored action lacks id, type, scope or timestamp: " + json);
      }
      return new Action(id, type, scope, parseTimestamp(timestamp), input, context);
    } catch (IOException e) {
      throw new IllegalStateException("Stored action is not valid JSON: " + json, e);
    }
  }

  /** Reads one row selected with {@link #COLUMNS}. */
  static OperationWithContext read(ResultSet rs) throws SQLException {
    // By position (the order of COLUMNS): a lookup by name per column cost as much as the read.
    Operation operation =
        new Operation(
            rs.getString(2),
            rs.getLong(7),
            rs.getInt(8),
            parseTimestamp(rs.getString(9)),
            rs.getString(10),
            action(rs.getString(11)),
            rs.getString(12));
    return new OperationWithContext(
        operation,
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getLong(1),
        null);
  }
}
