package dev.quire.consistency;

import java.util.Objects;

/**
 * One append-only operation stream: a document's scope on a branch. It is both the queue key of
 * the write side and the key of every {@link ConsistencyTracker}.
 *
 * <p>The string form {@code documentId:scope:branch} escapes {@code \} and {@code :} inside each part
 * with a backslash, so {@code ("a:b", "c", "d")} and {@code ("a", "b:c", "d")} never collide.
 */
public record StreamKey(String documentId, String scope, String branch) {

  public StreamKey {
    requireNonBlank(documentId, "documentId");
    requireNonBlank(scope, "scope");
    requireNonBlank(branch, "branch");
  }

  public static StreamKey of(String documentId, String scope, String branch) {
    return new StreamKey(documentId, scope, branch);
  }

  /** Parses the escaped form produced by {@link #toString()}. */
  public static StreamKey parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = new String[3];
    StringBuilder current = new StringBuilder();
    int part = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 >= text.length()) {
          throw new IllegalArgumentException("Dangling escape in stream key: " + text);
        }
        current.append(text.charAt(++i));
      } else if (c == ':') {
        if (part == 2) {
          throw new IllegalArgumentException("Too many parts in stream key: " + text);
        }
        parts[part++] = current.toString();
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (part != 2) {
      throw new IllegalArgumentException(
          "Stream key must be documentId:scope:branch, got: " + text);
    }
    parts[2] = current.toString();
    return new StreamKey(parts[0], parts[1], parts[2]);
  }

  @Override
  public String toString() {
    return escape(documentId) + ':' + escape(scope) + ':' + escape(branch);
  }

  private static String escape(String part) {
    if (part.indexOf(':') < 0 && part.indexOf('\\') < 0) {
      return part;
    }
    StringBuilder out = new StringBuilder(part.length() + 4);
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == ':' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static void requireNonBlank(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
