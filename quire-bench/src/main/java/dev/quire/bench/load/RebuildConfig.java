package dev.quire.bench.load;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One rebuild run.
 *
 * @param operations N: operations in the store before the rebuild
 * @param documents D: documents they belong to
 * @param storage where the store (and, for JDBC, the read models' tables) live
 * @param pageSize operations read from the store and indexed per batch (in-memory read models; the
 *     JDBC ones page by themselves)
 * @param appendBatch operations per appended batch while generating the history (not measured)
 * @param out folder for the JSON result; null writes nothing
 * @param name file name stem of the output
 * @param progress whether to print a live progress line on stderr
 */
public record RebuildConfig(
    long operations, int documents, StorageSpec storage, int pageSize, int appendBatch, Path out, String name,
    boolean progress) {

  public RebuildConfig {
    Objects.requireNonNull(storage, "storage");
    if (documents < 1 || operations < 2L * documents - 1) {
      throw new IllegalArgumentException("need documents >= 1 and operations >= 2 * documents - 1, got "
          + documents + " documents and " + operations + " operations");
    }
    if (pageSize < 1 || appendBatch < 1) {
      throw new IllegalArgumentException("pageSize and appendBatch must be >= 1");
    }
    name = name == null || name.isBlank() ? "rebuild" : name;
  }

  /** An in-memory run without outputs. */
  public static RebuildConfig inMemory(long operations, int documents) {
    return new RebuildConfig(operations, documents, StorageSpec.memory(), 1000, 1000, null, "rebuild", false);
  }
}
