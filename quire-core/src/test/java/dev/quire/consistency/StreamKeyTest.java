package dev.quire.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotEmpty;
import org.junit.jupiter.api.Test;

class StreamKeyTest {

  @Test
  void toString_plainParts() {
    assertThat(StreamKey.of("doc1", "global", "main")).hasToString("doc1:global:main");
  }

  @Test
  void toString_escapesColonAndBackslash() {
    assertThat(StreamKey.of("a:b", "c\\d", "e")).hasToString("a\\:b:c\\\\d:e");
  }

  @Test
  void colonInDifferentParts_givesDifferentKeys() {
    StreamKey first = StreamKey.of("a:b", "c", "d");
    StreamKey second = StreamKey.of("a", "b:c", "d");

    assertThat(first).isNotEqualTo(second);
    assertThat(first.toString()).isNotEqualTo(second.toString());
    assertThat(StreamKey.parse(first.toString())).isEqualTo(first);
    assertThat(StreamKey.parse(second.toString())).isEqualTo(second);
  }

  @Test
  void parse_plainForm() {
    assertThat(StreamKey.parse("doc1:global:main")).isEqualTo(StreamKey.of("doc1", "global", "main"));
  }

  @Test
  void parse_rejectsMalformedText() {
    assertThatThrownBy(() -> StreamKey.parse("doc1:global")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamKey.parse("a:b:c:d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamKey.parse("a:b:c\\")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamKey.parse("::")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_rejectsEmptyParts() {
    assertThatThrownBy(() -> StreamKey.of("", "s", "b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamKey.of("d", null, "b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 500)
  void parseOfToString_roundTrips(
      @ForAll @NotEmpty String documentId, @ForAll @NotEmpty String scope, @ForAll @NotEmpty String branch) {
    StreamKey key = StreamKey.of(documentId, scope, branch);
    assertThat(StreamKey.parse(key.toString())).isEqualTo(key);
  }

  @Property(tries = 500)
  void roundTrip_withSeparatorHeavyParts(
      @ForAll("separatorHeavy") String documentId,
      @ForAll("separatorHeavy") String scope,
      @ForAll("separatorHeavy") String branch) {
    StreamKey key = StreamKey.of(documentId, scope, branch);
    assertThat(StreamKey.parse(key.toString())).isEqualTo(key);
  }

  @Property(tries = 500)
  void differentKeys_haveDifferentStrings(
      @ForAll("separatorHeavy") String a1, @ForAll("separatorHeavy") String a2, @ForAll("separatorHeavy") String a3,
      @ForAll("separatorHeavy") String b1, @ForAll("separatorHeavy") String b2, @ForAll("separatorHeavy") String b3) {
    StreamKey a = StreamKey.of(a1, a2, a3);
    StreamKey b = StreamKey.of(b1, b2, b3);
    assertThat(a.toString().equals(b.toString())).isEqualTo(a.equals(b));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> separatorHeavy() {
    return net.jqwik.api.Arbitraries.strings().withChars(':', '\\', 'a', 'b').ofMinLength(1).ofMaxLength(4);
  }
}
