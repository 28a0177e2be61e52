package dev.quire.consistency;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quire.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a completed write hands back: the coordinates it wrote. A query that receives a token waits
 * until its read model has indexed every coordinate, then answers.
 *
 * <p>Coordinates are kept deduplicated per stream (highest index wins), so merged tokens stay small.
 * The wire form ({@link #encode()}) is base64url of the token's JSON and is opaque to clients.
 */
public record ConsistencyToken(int version, Instant createdAt, List<ConsistencyCoordinate> coordinates) {

  public static final int CURRENT_VERSION = 1;
  private static final ConsistencyToken EMPTY =
      new ConsistencyToken(CURRENT_VERSION, Instant.EPOCH, List.of());

  public ConsistencyToken {
    if (version != CURRENT_VERSION) {
      throw new IllegalArgumentException("Unsupported consistency token version " + version);
    }
    Objects.requireNonNull(createdAt, "createdAt");
    coordinates = dedupe(Objects.requireNonNull(coordinates, "coordinates"));
  }

  public static ConsistencyToken empty() {
    return EMPTY;
  }

  public static ConsistencyToken of(Instant createdAt, List<ConsistencyCoordinate> coordinates) {
    return new ConsistencyToken(CURRENT_VERSION, createdAt, coordinates);
  }

  @JsonIgnore
  public boolean isEmpty() {
    return coordinates.isEmpty();
  }

  /** A token that covers both this token's writes and {@code other}'s. */
  public ConsistencyToken merge(ConsistencyToken other) {
    List<ConsistencyCoordinate> all = new ArrayList<>(coordinates);
    all.addAll(other.coordinates);
    Instant latest = createdAt.isAfter(other.createdAt) ? createdAt : other.createdAt;
    return new ConsistencyToken(CURRENT_VERSION, latest, all);
  }

  /** The opaque wire form: base64url (no padding) of the token's JSON. */
  public String encode() {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.mapper().writeValueAsBytes(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode consistency token", e);
    }
  }

  /**
   * Parses {@link #encode()}'s output.
   *
   * @throws IllegalArgumentException if the text is not a valid token
   */
  public static ConsistencyToken decode(String encoded) {
    try {
      byte[] json = Base64.getUrlDecoder().decode(encoded.trim());
      ConsistencyToken token = Json.mapper().readValue(json, ConsistencyToken.class);
      if (token == null || token.coordinates() == null) {
        throw new IllegalArgumentException("Consistency token has no coordinates");
      }
      return token;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed consistency token: " + e.getMessage(), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("Malformed consistency token: " + e.getMessage(), e);
    }
  }

  private static List<ConsistencyCoordinate> dedupe(List<ConsistencyCoordinate> input) {
    if (input.size() <= 1) {
      return List.copyOf(input);
    }
    Map<StreamKey, ConsistencyCoordinate> highest = new LinkedHashMap<>();
    for (ConsistencyCoordinate c : input) {
      highest.merge(c.key(), c, (a, b) -> b.operationIndex() > a.operationIndex() ? b : a);
    }
    return List.copyOf(highest.values());
  }
}
