package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OperationRowsTest {

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
  void parseTimestamp_handlesTheEdgesOfTheStorableRange() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(OperationRows.parseTimestamp(OperationRows.timestamp(instant))).isEqualTo(instant);
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
}
