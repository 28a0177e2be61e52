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

  /**
   * The per-stream progress table of {@code readModel} in this copy: live, one table that every
   * read model shares (keyed by read model); a rebuild's copy is the read model's own, so that two
   * read models rebuilding at once (as a first start does) never drop each other's.
   */
  String progress(String readModel) {
    return suffix.isEmpty() ? PROGRESS : PROGRESS + suffix + "_" + readModel.replaceAll("[^A-Za-z0-9]", "_");
  }
}
