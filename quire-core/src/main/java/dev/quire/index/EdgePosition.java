package dev.quire.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.quire.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;

/**
 * Where an edge sorts in relationship pages: {@code (createdAt, sourceId, targetId, type)}, a total
 * order. A page cursor is the position of the last edge returned, not an offset, so removing an
 * earlier edge never makes a later one unreachable.
 */
record EdgePosition(Instant createdAt, String sourceId, String targetId, String type)
    implements Comparable<EdgePosition> {

  static final Comparator<EdgePosition> POSITION_ORDER =
      Comparator.comparing(EdgePosition::createdAt)
          .thenComparing(EdgePosition::sourceId)
          .thenComparing(EdgePosition::targetId)
          .thenComparing(EdgePosition::type);

  static final Comparator<Relationship> ORDER = Comparator.comparing(EdgePosition::of, POSITION_ORDER);

  static EdgePosition of(Relationship edge) {
    return new EdgePosition(edge.createdAt(), edge.sourceId(), edge.targetId(), edge.type());
  }

  @Override
  public int compareTo(EdgePosition other) {
    return POSITION_ORDER.compare(this, other);
  }

  /** base64url of {@code [epochSecond, nano, sourceId, targetId, type]}. */
  String encode() {
    ArrayNode array = Json.mapper().createArrayNode();
    array.add(createdAt.getEpochSecond()).add(createdAt.getNano()).add(sourceId).add(targetId).add(type);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when {@code cursor} is not an {@link #encode()} result */
  static EdgePosition decode(String cursor) {
    JsonNode array;
    try {
      array = Json.mapper().readTree(Base64.getUrlDecoder().decode(cursor));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed relationship cursor: " + cursor, e);
    }
    if (array == null || !array.isArray() || array.size() != 5
        || !array.get(0).isIntegralNumber() || !array.get(1).isIntegralNumber()
        || !array.get(2).isTextual() || !array.get(3).isTextual() || !array.get(4).isTextual()) {
      throw new IllegalArgumentException("Malformed relationship cursor: " + cursor);
    }
    try {
      Instant at = Instant.ofEpochSecond(array.get(0).longValue(), array.get(1).longValue());
      return new EdgePosition(at, array.get(2).textValue(), array.get(3).textValue(), array.get(4).textValue());
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("Malformed relationship cursor: " + cursor, e);
    }
  }
}
