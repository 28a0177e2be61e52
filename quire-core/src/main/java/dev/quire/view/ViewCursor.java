package dev.quire.view;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque cursors of {@link InMemoryDocumentView#find}: after a type query the last document id
 * returned, after an id or slug query the position of the last input entry consumed. Neither is an
 * offset into the result, so a page stays reachable when earlier documents are deleted.
 */
record ViewCursor(Kind kind, String value) {

  enum Kind {
    AFTER_ID("t"),
    AFTER_POSITION("p");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  static ViewCursor afterId(String documentId) {
    return new ViewCursor(Kind.AFTER_ID, documentId);
  }

  static ViewCursor afterPosition(int position) {
    return new ViewCursor(Kind.AFTER_POSITION, Integer.toString(position));
  }

  int position() {
    return Integer.parseInt(value);
  }

  String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind.tag + ":" + value).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException when {@code cursor} was not produced by a query of this kind
   */
  static ViewCursor decode(String cursor, Kind expected) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed find cursor: " + cursor, e);
    }
    if (!text.startsWith(expected.tag + ":")) {
      throw new IllegalArgumentException("Cursor " + cursor + " does not belong to this kind of query");
    }
    ViewCursor decoded = new ViewCursor(expected, text.substring(expected.tag.length() + 1));
    if (expected == Kind.AFTER_POSITION) {
      try {
        if (decoded.position() < 0) {
          throw new IllegalArgumentException("Malformed find cursor: " + cursor);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Malformed find cursor: " + cursor, e);
      }
    }
    return decoded;
  }
}
