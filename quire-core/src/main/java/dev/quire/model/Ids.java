package dev.quire.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Id generation and the derived operation id. */
public final class Ids {

  private Ids() {}

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * The stable id of the operation an action produces on a stream: the first 32 hex characters of
   * SHA-256 over {@code documentId:scope:branch:actionId} (each part length-prefixed, so parts that
   * contain ':' cannot collide).
   */
  public static String operationId(String documentId, String scope, String branch, String actionId) {
    MessageDigest digest = sha256();
    for (String part : new String[] {documentId, scope, branch, actionId}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) ':');
      digest.update(bytes);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }
}
