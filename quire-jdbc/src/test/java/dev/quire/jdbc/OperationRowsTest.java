package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OperationRowsTest {

  /** What {@link OperationRows#timestamp} must write, as a formatter. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void parseTimestamp_readsBackEveryStorableInstant() {
    SplittableRandom random = new SplittableRandom(7);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      assertThat(OperationRows.parseTimestamp(OperationRows.timestamp(instant))).isEqualTo(instant);
    }
  }

  @Test
  void timestamp_writesWhatTheFormatterWrites() {
    SplittableRandom random = new SplittableRandom(13);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      int nanos = i % 3 == 0 ? 0 : random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);
      assertThat(OperationRows.timestamp(instant)).isEqualTo(TIMESTAMP.format(instant));
    }
    for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z",
        "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "0000-03-01T00:00:00.000000001Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(OperationRows.timestamp(instant)).isEqualTo(TIMESTAMP.format(instant));
    }
  }

  @Test
  void timestamp_refusesInstantsOutsideTheStorableRange() {
    assertThatThrownBy(() -> OperationRows.timestamp(Instant.parse("-0001-12-31T23:59:59.999999999Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("years 0-9999");
    assertThatThrownBy(() -> OperationRows.timestamp(Instant.parse("+10000-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseTimestamp_handlesTheEdgesOfTheStorableRange() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(OperationRows.parseTimestamp(OperationRows.timestamp(instant))).isEqualTo(instant);
    }
  }

  @Test
  void parseTimestamp_readsWhatInstantToStringWrites() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
          Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
      int nanos = switch (i % 5) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        case 3 -> random.nextInt(1_000_000_000);
        default -> 100_000_000;
      };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      assertThat(OperationRows.parseTimestamp(instant.toString())).isEqualTo(instant);
    }
  }

  @Test
  void parseTimestamp_fallsBackToIsoParsingForOtherForms() {
    assertThat(OperationRows.parseTimestamp("2024-05-01T10:15:30Z")).isEqualTo(Instant.parse("2024-05-01T10:15:30Z"));
    assertThat(OperationRows.parseTimestamp("2024-05-01T10:15:30.5Z")).isEqualTo(Instant.parse("2024-05-01T10:15:30.5Z"));
  }

  @Test
  void parseTimestamp_rejectsWhatInstantParseRejects() {
    assertThatThrownBy(() -> OperationRows.parseTimestamp("2023-02-30T00:00:00.000000000Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> OperationRows.parseTimestamp("2023-0x-01T00:00:00.000000000Z"))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void action_readsBackWhatActionJsonWrote() {
    Instant at = Instant.parse("2026-11-23T23:13:21.123456Z");
    ObjectNode input = Json.object();
    input.put("path", "/n").put("value", 42).putArray("list").add(1).add("two").add("zwölf \u00e9t\u00e9 \ud83d\ude00");
    ObjectNode context = Json.object();
    context.putObject("signer").put("user", "ann");
    List<Action> actions = List.of(
        new Action("a1", "SET", "global", at, input, null),
        new Action("a2", "SET", "global", at, input, context),
        new Action("a3", "NOOP", "document", Instant.parse("2026-11-23T23:13:21Z"), NullNode.getInstance(), null),
        new Action("a4", "NOOP", "document", at, Json.object(), NullNode.getInstance()));
    for (Action action : actions) {
      assertThat(OperationRows.action(utf8(OperationRows.actionJson(action)))).isEqualTo(action);
    }
  }

  @Test
  void action_refusesWhatIsNotAStoredAction() {
    assertThatThrownBy(() -> OperationRows.action(utf8("[1]"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OperationRows.action(utf8("{\"id\": \"a\"}"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lacks");
    assertThatThrownBy(() -> OperationRows.action(utf8("{\"id\": "))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void unpack_splitsTheSevenPackedFields() {
    assertThat(OperationRows.unpack("op\u001fdoc\u001ftype\u001fglobal\u001fmain\u001fts\u001fhash"))
        .containsExactly("op", "doc", "type", "global", "main", "ts", "hash");
    assertThat(OperationRows.unpack("\u001f\u001f\u001f\u001f\u001f\u001f")).containsExactly("", "", "", "", "", "", "");
  }

  @Test
  void unpack_refusesFieldsThatHoldTheSeparator() {
    // Eight values where seven fields belong: which one holds the separator is unknowable, so the row is read again.
    assertThat(OperationRows.unpack("op\u001fdoc\u001ftype\u001fglobal\u001fmain\u001fts\u001fha\u001fsh")).isNull();
    assertThatThrownBy(() -> OperationRows.unpack("op\u001fdoc")).isInstanceOf(IllegalStateException.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
