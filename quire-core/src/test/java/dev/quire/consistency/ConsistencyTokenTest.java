package dev.quire.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token's wire form: what {@link ConsistencyToken#encode()} writes, {@link ConsistencyToken#decode} reads. */
class ConsistencyTokenTest {

  private static String wire(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decode_readsBackWhatEncodeWrote() {
    ConsistencyToken token = ConsistencyToken.of(Instant.parse("2026-11-24T00:20:00.907047598Z"), List.of(
        new ConsistencyCoordinate("doc-1", "document", "main", 0),
        new ConsistencyCoordinate("doc-1", "global", "main", 41),
        new ConsistencyCoordinate("d\\u00e9j\\u00e0 \"vu\"", "global", "draft", Long.MAX_VALUE)));

    assertThat(ConsistencyToken.decode(token.encode())).isEqualTo(token);
    assertThat(ConsistencyToken.decode(" " + token.encode() + "\n")).isEqualTo(token);
    assertThat(ConsistencyToken.decode(ConsistencyToken.empty().encode())).isEqualTo(ConsistencyToken.empty());
  }

  @Test
  void decode_ignoresFieldsItDoesNotKnow_andKeepsTheHighestIndexPerStream() {
    String json = "{\"future\":{\"a\":[1,2]},\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\","
        + "\"coordinates\":[{\"documentId\":\"d\",\"scope\":\"global\",\"branch\":\"main\",\"operationIndex\":3,\"x\":null},"
        + "{\"documentId\":\"d\",\"scope\":\"global\",\"branch\":\"main\",\"operationIndex\":7}]}";

    ConsistencyToken token = ConsistencyToken.decode(wire(json));

    assertThat(token.createdAt()).isEqualTo(Instant.parse("2026-11-24T00:20:00Z"));
    assertThat(token.coordinates()).containsExactly(new ConsistencyCoordinate("d", "global", "main", 7));
  }

  @Test
  void decode_refusesWhatIsNotAToken() {
    String coordinate = "{\"documentId\":\"d\",\"scope\":\"global\",\"branch\":\"main\",\"operationIndex\":1}";
    List<String> bad = List.of(
        "***",
        wire("not json"),
        wire("[1]"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\"}"),
        wire("{\"version\":2,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":[]}"),
        wire("{\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":[]}"),
        wire("{\"version\":1,\"coordinates\":[]}"),
        wire("{\"version\":1,\"createdAt\":\"yesterday\",\"coordinates\":[]}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":{}}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":[1]}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":["
            + coordinate.replace("1}", "-1}") + "]}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":["
            + coordinate.replace("\"scope\":\"global\",", "") + "]}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":["
            + coordinate.replace("1}", "\"one\"}") + "]}"),
        wire("{\"version\":1,\"createdAt\":\"2026-11-24T00:20:00Z\",\"coordinates\":[" + coordinate));
    for (String token : bad) {
      assertThatThrownBy(() -> ConsistencyToken.decode(token)).as(token)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Malformed consistency token");
    }
  }
}
