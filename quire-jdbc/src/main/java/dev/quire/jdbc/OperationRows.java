package dev.quire.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/** Converts operations to and from their columns; the one place that knows the row encoding. */
final class OperationRows {

  /** The columns an operation read selects with {@link Format#SEPARATE}, in this order. */
  static final String COLUMNS =
      "ordinal, op_id, document_id, document_type, scope, branch, op_index, skip, op_timestamp, hash, action, error";

  /** Joins {@link Format#PACKED}'s short text fields: a control character, which identifiers seldom hold. */
  private static final char SEPARATOR = '\u001f';

  private static final String[] PACKED_FIELDS =
      {"op_id", "document_id", "document_type", "scope", "branch", "op_timestamp", "hash"};

  /** The columns an operation read selects with {@link Format#PACKED}, in this order. */
  static final String PACKED_COLUMNS =
      "ordinal, op_index, skip, " + String.join(" || char(31) || ", PACKED_FIELDS) + ", action, error";

  /** How a dialect's reads select an operation's columns and turn a row back into the operation. */
  enum Format {
    /** One column per field: PostgreSQL, whose driver has every column's text at hand already. */
    SEPARATE(COLUMNS),
    /**
     * SQLite: the seven short text fields as one value, split in Java. sqlite-jdbc's cost is per
     * text value fetched (a native call, a direct buffer, a copy and a decode each): reading a
     * million operations took 1.7 s with a column per field and 1.05 s this way. A row whose
     * fields hold the separator themselves is read again by ordinal, a column per field.
     */
    PACKED(PACKED_COLUMNS);

    final String columns;

    Format(String columns) {
      this.columns = columns;
    }

    /** Reads one row selected with {@link #columns}. */
    OperationWithContext read(ResultSet rs) throws SQLException {
      return readStored(rs).decode();
    }

    /** Reads one row selected with {@link #columns}, leaving its timestamp and action undecoded. */
    StoredOperation readStored(ResultSet rs) throws SQLException {
      return this == PACKED ? readPacked(rs) : readColumns(rs);
    }
  }

  private static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private OperationRows() {}

  /**
   * The instant as {@code uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'} in UTC: fixed width (always nine
   * fraction digits), so text order is time order in SQL comparisons. Written digit by digit: a
   * {@code DateTimeFormatter} was 2-3 % of the closed loop's CPU samples (an operation's timestamp,
   * each changed snapshot's); {@code OperationRowsTest} holds the formatter as its reference.
   */
  static String timestamp(Instant instant) {
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw new IllegalArgumentException("Timestamp out of the storable range (years 0-9999): " + instant);
    }
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    byte[] text = new byte[30];
    put(text, 0, date.getYear(), 4);
    text[4] = '-';
    put(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    put(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    put(text, 11, secondOfDay / 3_600, 2);
    text[13] = ':';
    put(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    put(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    put(text, 20, instant.getNano(), 9);
    text[29] = 'Z';
    return new String(text, StandardCharsets.US_ASCII);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code text[from]}. */
  private static void put(byte[] text, int from, int value, int width) {
    for (int i = from + width - 1; i >= from; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
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
   * The action {@link #actionJson} stored, as UTF-8 bytes. Read with the streaming parser: only
   * input and context become trees, the four text fields are taken as they come (a tree for the
   * whole action was a sixth of a replay's read time). Bytes, not a String: the driver hands
   * SQLite's text over as it is stored, and Jackson's byte parser reads it without the decode to
   * UTF-16 and the copy into a char buffer a String costs.
   */
  static Action action(byte[] json) {
    try (JsonParser parser = Json.mapper().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException("Stored action is not a JSON object: " + text(json));
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
        throw new IllegalStateException("Stored action lacks id, type, scope or timestamp: " + text(json));
      }
      return new Action(id, type, scope, parseTimestamp(timestamp), input, context);
    } catch (IOException e) {
      throw new IllegalStateException("Stored action is not valid JSON: " + text(json), e);
    }
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  private static StoredOperation readPacked(ResultSet rs) throws SQLException {
    String[] fields = unpack(rs.getString(4));
    if (fields == null) {
      return readAgain(rs, rs.getLong(1));
    }
    // The action as the driver's bytes: sqlite3_column_blob gives a TEXT value's UTF-8 as stored.
    return new StoredOperation(rs.getLong(1), rs.getLong(2), rs.getInt(3), fields[0], fields[1], fields[2], fields[3],
        fields[4], fields[5], fields[6], rs.getBytes(5), rs.getString(6));
  }

  /** The packed fields, or null when there are more separators than fields (a field holds one). */
  static String[] unpack(String packed) {
    String[] fields = new String[PACKED_FIELDS.length];
    int from = 0;
    for (int i = 0; i < fields.length - 1; i++) {
      int to = packed.indexOf(SEPARATOR, from);
      if (to < 0) {
        throw new IllegalStateException("Packed operation columns lack a field: " + packed);
      }
      fields[i] = packed.substring(from, to);
      from = to + 1;
    }
    if (packed.indexOf(SEPARATOR, from) >= 0) {
      return null;
    }
    fields[fields.length - 1] = packed.substring(from);
    return fields;
  }

  /** The operation at {@code ordinal}, read on the packed row's connection (so from the same snapshot). */
  private static StoredOperation readAgain(ResultSet packedRow, long ordinal) throws SQLException {
    Connection c = packedRow.getStatement().getConnection();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM quire_operations WHERE ordinal = ?")) {
      ps.setLong(1, ordinal);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("Operation at ordinal " + ordinal + " vanished while it was being read");
        }
        return readColumns(rs);
      }
    }
  }

  /** Reads one row selected with {@link #COLUMNS}. */
  private static StoredOperation readColumns(ResultSet rs) throws SQLException {
    // By position (the order of COLUMNS): a lookup by name per column cost as much as the read.
    return new StoredOperation(rs.getLong(1), rs.getLong(7), rs.getInt(8), rs.getString(2), rs.getString(3),
        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(9), rs.getString(10),
        rs.getString(11).getBytes(StandardCharsets.UTF_8), rs.getString(12));
  }
}
