package dev.quire.bench.load;

import dev.quire.jdbc.DatabaseConfig;
import java.util.Locale;
import java.util.Objects;

/**
 * Which storage a benchmark runs on, parsed from the command line:
 *
 * <ul>
 *   <li>{@code memory}: in-memory store, view and indexer;
 *   <li>{@code sqlite-full} / {@code sqlite-normal}, optionally {@code :<file>}: SQLite with
 *       {@code synchronous=FULL} / {@code NORMAL} (a fresh temporary file when none is given);
 *   <li>{@code postgresql://host:port/db?user=..} (durability FULL), or the same URL prefixed with
 *       {@code postgresql-normal:} for {@code synchronous_commit=off}, or with {@code
 *       postgresql-exclusive:} for a schema opened {@link dev.quire.jdbc.DatabaseConfig#exclusive()}
 *       (the view remembers its committed rows).
 * </ul>
 *
 * @param kind the backend
 * @param url the database URL ({@code sqlite:<file>} or {@code postgresql://...}); null for memory
 *     and for a SQLite run on a temporary file
 * @param durability {@code FULL} or {@code NORMAL}; null for memory
 * @param exclusive PostgreSQL opened as the schema's only Quire process
 * @param rememberedRows rows the document view remembers ({@link
 *     dev.quire.jdbc.DatabaseConfig#rememberedRows()}); ignored in memory
 */
public record StorageSpec(Kind kind, String url, String durability, boolean exclusive, int rememberedRows) {

  /** The storage families of the issue's matrix. */
  public enum Kind {
    MEMORY,
    SQLITE,
    POSTGRESQL
  }

  public StorageSpec {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.MEMORY && !"FULL".equals(durability) && !"NORMAL".equals(durability)) {
      throw new IllegalArgumentException("durability must be FULL or NORMAL, got " + durability);
    }
    if (rememberedRows < 0) {
      throw new IllegalArgumentException("rememberedRows must not be negative, got " + rememberedRows);
    }
  }

  /** With the document view's default row memory. */
  public StorageSpec(Kind kind, String url, String durability, boolean exclusive) {
    this(kind, url, durability, exclusive, DatabaseConfig.DEFAULT_REMEMBERED_ROWS);
  }

  public StorageSpec withRememberedRows(int rows) {
    return new StorageSpec(kind, url, durability, exclusive, rows);
  }

  public static StorageSpec memory() {
    return new StorageSpec(Kind.MEMORY, null, null, false);
  }

  /**
   * Parses a command-line spec (see the type's javadoc).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static StorageSpec parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.equals("memory")) {
      return memory();
    }
    for (String durability : new String[] {"full", "normal"}) {
      String prefix = "sqlite-" + durability;
      if (lower.equals(prefix)) {
        return new StorageSpec(Kind.SQLITE, null, durability.toUpperCase(Locale.ROOT), false);
      }
      if (lower.startsWith(prefix + ":")) {
        return new StorageSpec(Kind.SQLITE, "sqlite:" + spec.substring(prefix.length() + 1),
            durability.toUpperCase(Locale.ROOT), false);
      }
    }
    if (lower.startsWith("postgresql-normal:")) {
      return new StorageSpec(Kind.POSTGRESQL, spec.substring("postgresql-normal:".length()), "NORMAL", false);
    }
    if (lower.startsWith("postgresql-exclusive:")) {
      return new StorageSpec(Kind.POSTGRESQL, spec.substring("postgresql-exclusive:".length()), "FULL", true);
    }
    if (lower.startsWith("postgresql://") || lower.startsWith("jdbc:postgresql://")) {
      return new StorageSpec(Kind.POSTGRESQL, spec, "FULL", false);
    }
    throw new IllegalArgumentException("Unknown storage '" + spec + "': expected memory, sqlite-full[:file], "
        + "sqlite-normal[:file], postgresql://host:port/db?user=.., postgresql-normal:postgresql://... or "
        + "postgresql-exclusive:postgresql://...");
  }

  /**
   * The storage of run {@code run} (1, 2, ...) of a repeated benchmark, so each starts empty: a
   * SQLite file given on the command line gets {@code -r<run>} before its extension ({@code q.db}
   * becomes {@code q-r2.db}); temporary files, PostgreSQL (a fresh schema per run) and memory are
   * fresh already.
   */
  public StorageSpec forRun(int run) {
    if (run < 1) {
      throw new IllegalArgumentException("run must be >= 1, got " + run);
    }
    if (kind != Kind.SQLITE || url == null) {
      return this;
    }
    String file = url.substring("sqlite:".length());
    int name = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1;
    int dot = file.lastIndexOf('.');
    String numbered = dot > name
        ? file.substring(0, dot) + "-r" + run + file.substring(dot)
        : file + "-r" + run;
    return new StorageSpec(kind, "sqlite:" + numbered, durability, exclusive, rememberedRows);
  }

  /**
   * A short label for tables and file names: memory, sqlite-full, postgresql-normal, ...; with
   * {@code -rows<N>} when the view remembers other than the default number of rows.
   */
  public String label() {
    return kind == Kind.MEMORY ? "memory" : kind.name().toLowerCase(Locale.ROOT) + "-"
        + durability.toLowerCase(Locale.ROOT) + (exclusive ? "-exclusive" : "")
        + (rememberedRows == DatabaseConfig.DEFAULT_REMEMBERED_ROWS ? "" : "-rows" + rememberedRows);
  }

  /** The spec without credentials, for result files. */
  public String redacted() {
    if (url == null) {
      return label();
    }
    return label() + " " + url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
  }
}
