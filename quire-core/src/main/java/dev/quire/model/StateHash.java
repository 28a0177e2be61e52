package dev.quire.model;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The hash of a scope state: SHA-256 over the state's canonical JSON, rendered as base64url without
 * padding ({@link #of}) or as hex ({@link #hex}).
 *
 * <p>Canonical JSON: object keys sorted recursively (by UTF-16 code units, as in RFC 8785), no
 * whitespace, and numbers written by value rather than by the node type that holds them: a
 * floating-point or decimal number that is an integer of magnitude below 2^53 is written as that
 * integer ({@code 1.0} hashes like {@code 1}), and decimals lose trailing zeros. States that went
 * through a store which normalises such numbers therefore keep their hash.
 *
 * <p>It runs for every operation, so the canonical bytes stream straight from a Jackson generator
 * into the digest: no intermediate string or tree copy.
 */
public final class StateHash {

  private static final JsonFactory FACTORY = Json.factory();
  private static final MessageDigest PROTOTYPE = Ids.sha256();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** Integral doubles below this magnitude are exact as longs. */
  private static final double MAX_EXACT_DOUBLE = 9.007199254740992E15; // 2^53

  private static final BigDecimal MAX_EXACT_DECIMAL = BigDecimal.valueOf(1L << 53);

  private StateHash() {}

  /** The hash of {@code state} as base64url without padding (43 characters). */
  public static String of(JsonNode state) {
    return BASE64URL.encodeToString(digest(state));
  }

  /** The hash of {@code state} as 64 lowercase hex characters. */
  public static String hex(JsonNode state) {
    return HexFormat.of().formatHex(digest(state));
  }

  /** The 32-byte SHA-256 of {@code state}'s canonical JSON. A null state hashes like JSON null. */
  public static byte[] digest(JsonNode state) {
    MessageDigest digest = newDigest();
    try (JsonGenerator generator = FACTORY.createGenerator(new DigestSink(digest), JsonEncoding.UTF8)) {
      writeCanonical(generator, state);
    } catch (IOException e) {
      // The sink never throws; only a broken generator could get here.
      throw new UncheckedIOException("Cannot hash state", e);
    }
    return digest.digest();
  }

  /** The canonical JSON the hash is computed over; for debugging and tests, not the hot path. */
  public static String canonicalJson(JsonNode state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      writeCanonical(generator, state);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write canonical JSON", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void writeCanonical(JsonGenerator out, JsonNode node) throws IOException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.writeNull();
      return;
    }
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(out, node);
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode element : node) {
          writeCanonical(out, element);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NUMBER -> writeNumber(out, node);
      case BINARY -> out.writeBinary(node.binaryValue());
      case POJO -> writeCanonical(out, Json.mapper().valueToTree(((POJONode) node).getPojo()));
      default -> out.writeNull();
    }
  }

  private static void writeObject(JsonGenerator out, JsonNode node) throws IOException {
    out.writeStartObject();
    int size = node.size();
    if (size == 1) {
      Map.Entry<String, JsonNode> only = node.properties().iterator().next();
      out.writeFieldName(only.getKey());
      writeCanonical(out, only.getValue());
    } else if (size > 1) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
      entries.sort(Map.Entry.comparingByKey());
      for (Map.Entry<String, JsonNode> entry : entries) {
        out.writeFieldName(entry.getKey());
        writeCanonical(out, entry.getValue());
      }
    }
    out.writeEndObject();
  }

  private static void writeNumber(JsonGenerator out, JsonNode node) throws IOException {
    if (node.canConvertToLong() && node.isIntegralNumber()) {
      out.writeNumber(node.longValue());
    } else if (node.isIntegralNumber()) {
      out.writeNumber(node.bigIntegerValue());
    } else if (node.isBigDecimal()) {
      BigDecimal value = node.decimalValue();
      if (value.signum() == 0) {
        out.writeNumber(0L);
        return;
      }
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() <= 0 && stripped.abs().compareTo(MAX_EXACT_DECIMAL) < 0) {
        out.writeNumber(stripped.longValueExact());
      } else {
        // toString, not toPlainString: 1E+1000000 must not become a million digits.
        out.writeNumber(stripped.toString());
      }
    } else {
      double value = node.doubleValue();
      if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_DOUBLE) {
        out.writeNumber((long) value);
      } else {
        out.writeNumber(value);
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return Ids.sha256();
    }
  }

  /** Feeds the generator's buffered output to the digest. */
  private static final class DigestSink extends OutputStream {

    private final MessageDigest digest;

    DigestSink(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }
  }
}
