package dev.quire.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A database address as users write it, normalised to a JDBC URL.
 *
 * <p>Accepted forms: {@code sqlite:./quire-data/quire.db}, {@code jdbc:sqlite:/abs/quire.db},
 * {@code postgresql://host:5432/db?user=u}, {@code postgres://u:secret@host/db},
 * {@code jdbc:postgresql://host:5432/db?user=u&currentSchema=s}.
 *
 * @param sqliteFile the database file (SQLite only; null for PostgreSQL)
 * @param user from the URL's user-info part (PostgreSQL only; null when absent or given as a parameter)
 * @param password likewise
 * @param currentSchema the {@code currentSchema} parameter (PostgreSQL only), or null
 */
record DatabaseUrl(Dialect dialect, String jdbcUrl, Path sqliteFile, String user, String password, String currentSchema) {

  DatabaseUrl {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  static DatabaseUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    String text = url.trim();
    String rest = text.startsWith("jdbc:") ? text.substring("jdbc:".length()) : text;
    if (rest.startsWith("sqlite:")) {
      return sqlite(text, rest.substring("sqlite:".length()));
    }
    if (rest.startsWith("postgresql://")) {
      return postgres(text, rest.substring("postgresql://".length()));
    }
    if (rest.startsWith("postgres://")) {
      return postgres(text, rest.substring("postgres://".length()));
    }
    throw new IllegalArgumentException(
        "Unsupported database URL '" + url + "': expected sqlite:<file>, jdbc:sqlite:<file>, "
            + "postgresql://host:port/db or jdbc:postgresql://host:port/db");
  }

  private static DatabaseUrl sqlite(String original, String spec) {
    int query = spec.indexOf('?');
    String location = query < 0 ? spec : spec.substring(0, query);
    if (location.startsWith("file:")) {
      location = location.substring("file:".length());
    }
    if (location.isEmpty() || location.contains(":memory:") || location.contains("mode=memory")) {
      throw new IllegalArgumentException(
          "SQLite URL '" + original + "' names no file; Quire's SQLite store needs a file (WAL mode). "
              + "Use the in-memory store of quire-core for a throwaway store.");
    }
    Path file = Path.of(location).toAbsolutePath().normalize();
    String params = query < 0 ? "" : spec.substring(query);
    return new DatabaseUrl(Dialect.SQLITE, "jdbc:sqlite:" + file + params, file, null, null, null);
  }

  private static DatabaseUrl postgres(String original, String spec) {
    String user = null;
    String password = null;
    int slash = spec.indexOf('/');
    int at = spec.lastIndexOf('@', slash < 0 ? spec.length() : slash);
    if (at >= 0) {
      String userInfo = spec.substring(0, at);
      spec = spec.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    if (spec.isEmpty() || spec.startsWith("/") || spec.startsWith("?")) {
      throw new IllegalArgumentException("PostgreSQL URL '" + original + "' has no host");
    }
    String currentSchema = null;
    int query = spec.indexOf('?');
    if (query >= 0) {
      for (String param : spec.substring(query + 1).split("&")) {
        int eq = param.indexOf('=');
        if (eq > 0 && param.substring(0, eq).equals("currentSchema")) {
          currentSchema = decode(param.substring(eq + 1));
        }
      }
    }
    return new DatabaseUrl(Dialect.POSTGRESQL, "jdbc:postgresql://" + spec, null, user, password, currentSchema);
  }

  private static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }

  /** The URL without its password, for messages and logs. */
  String redacted() {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
