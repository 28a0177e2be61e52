package dev.quire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary folders benchmarks put their databases in. */
public final class TempFolders {

  private TempFolders() {}

  /** Deletes {@code folder} and everything in it, as far as it can: a leftover temporary folder is harmless. */
  public static void deleteQuietly(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Left for the system's temporary-file cleanup.
    }
  }
}
