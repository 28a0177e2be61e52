package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class StateHashTest {

  @Test
  void keyOrder_doesNotChangeTheHash() {
    JsonNode a = json("{\"b\":1,\"a\":{\"y\":[1,{\"q\":2,\"p\":3}],\"x\":\"s\"}}");
    JsonNode b = json("{\"a\":{\"x\":\"s\",\"y\":[1,{\"p\":3,\"q\":2}]},\"b\":1}");

    assertThat(StateHash.of(a)).isEqualTo(StateHash.of(b));
    assertThat(StateHash.hex(a)).isEqualTo(StateHash.hex(b));
  }

  @Test
  void differentStates_haveDifferentHashes() {
    List<String> states = List.of(
        "{}", "[]", "null", "{\"a\":1}", "{\"a\":2}", "{\"b\":1}", "{\"a\":\"1\"}", "{\"a\":[1,2]}",
        "{\"a\":[2,1]}", "{\"a\":{}}", "{\"a\":null}", "{\"a\":true}", "{\"a\":1.5}");

    assertThat(states.stream().map(s -> StateHash.of(json(s))).distinct()).hasSize(states.size());
  }

  @Test
  void canonicalJson_sortsKeysRecursivelyWithoutWhitespace() {
    JsonNode state = json("{ \"b\" : [ {\"d\":1, \"c\":2} ], \"a\" : \"x y\" }");

    assertThat(StateHash.canonicalJson(state)).isEqualTo("{\"a\":\"x y\",\"b\":[{\"c\":2,\"d\":1}]}");
  }

  @Test
  void hex_isTheSha256OfTheCanonicalJson() throws Exception {
    JsonNode state = json("{\"z\":\"é\\n\",\"a\":[1,2.5,false,null]}");
    byte[] expected = MessageDigest.getInstance("SHA-256")
        .digest(StateHash.canonicalJson(state).getBytes(StandardCharsets.UTF_8));

    assertThat(StateHash.hex(state)).isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(StateHash.hex(Json.object()))
        .isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void of_isUnpaddedBase64UrlOfTheDigest() {
    JsonNode state = json("{\"a\":1}");

    String hash = StateHash.of(state);

    assertThat(hash).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(java.util.Base64.getUrlDecoder().decode(hash)).isEqualTo(StateHash.digest(state));
  }

  @Test
  void numbers_hashByValueNotByNodeType() {
    assertThat(hashOfA(IntNode.valueOf(1)))
        .isEqualTo(hashOfA(LongNode.valueOf(1)))
        .isEqualTo(hashOfA(DoubleNode.valueOf(1.0)))
        .isEqualTo(hashOfA(DecimalNode.valueOf(new BigDecimal("1.000"))));
    assertThat(hashOfA(DoubleNode.valueOf(1.5))).isEqualTo(hashOfA(DecimalNode.valueOf(new BigDecimal("1.50"))));
    assertThat(hashOfA(DoubleNode.valueOf(1.5))).isNotEqualTo(hashOfA(IntNode.valueOf(1)));
  }

  @Test
  void nullState_hashesLikeJsonNull() {
    assertThat(StateHash.of(null)).isEqualTo(StateHash.of(json("null")));
  }

  @Test
  void hashing_doesNotChangeTheState() {
    JsonNode state = json("{\"b\":1,\"a\":2}");
    String before = state.toString();

    StateHash.of(state);

    assertThat(state.toString()).isEqualTo(before);
  }

  @Property(tries = 100)
  void insertionOrderAndReparsing_neverChangeTheHash(
      @ForAll @Size(max = 12) Map<@StringLength(max = 6) String, Integer> entries, @ForAll long seed) throws Exception {
    List<String> keys = new ArrayList<>(entries.keySet());
    ObjectNode original = Json.object();
    keys.forEach(k -> original.set(k, Json.object().put("v", entries.get(k)).put("k", k)));
    Collections.shuffle(keys, new Random(seed));
    ObjectNode shuffled = Json.object();
    keys.forEach(k -> shuffled.set(k, Json.object().put("k", k).put("v", entries.get(k))));
    JsonNode reparsed = Json.mapper().readTree(Json.mapper().writeValueAsString(shuffled));

    assertThat(StateHash.of(shuffled)).isEqualTo(StateHash.of(original));
    assertThat(StateHash.of(reparsed)).isEqualTo(StateHash.of(original));
  }

  private static String hashOfA(JsonNode value) {
    return StateHash.of(Json.object().set("a", value));
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
