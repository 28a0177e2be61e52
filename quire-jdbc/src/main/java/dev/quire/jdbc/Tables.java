package dev.quire.jdbc;

/**
 * Which copy of a read model's tables a write goes to: the live tables, or the shadow copies a
 * rebuild fills before swapping them in.
 */
record Tables(String suffix) {

  static final Tables LIVE = new Tables("");
  static final Tables SHADOW = new Tables("_rebuild");

  static final String PROGRESS = "quire_stream_progress";

  /** The name of {@code table} in this copy. */
  String of(String table) {
    return table + suffix;
  }
}
