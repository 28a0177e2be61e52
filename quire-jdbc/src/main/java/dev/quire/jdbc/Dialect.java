package dev.quire.jdbc;

/** The SQL databases Quire stores into. */
public enum Dialect {
  /** Embedded, one file, WAL journal; the default for a single process. */
  SQLITE("sqlite"),
  /** A server database; several Quire processes may share one. */
  POSTGRESQL("postgresql");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** The Flyway location holding this dialect's migrations. */
  public String migrationLocation() {
    return "classpath:db/migration/" + folder;
  }
}
