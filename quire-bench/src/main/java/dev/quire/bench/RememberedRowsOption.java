package dev.quire.bench;

import dev.quire.bench.load.StorageSpec;
import dev.quire.jdbc.DatabaseConfig;
import picocli.CommandLine.Option;

/** {@code --remembered-rows}: the document view's row memory, a picocli mixin for {@code load} and {@code scale}. */
final class RememberedRowsOption {

  @Option(names = "--remembered-rows", paramLabel = "N",
      description = "Document rows the view remembers as committed (SQLite, PostgreSQL exclusive; 0: none), "
          + "default ${DEFAULT-VALUE}.")
  int rows = DatabaseConfig.DEFAULT_REMEMBERED_ROWS;

  StorageSpec applyTo(StorageSpec storage) {
    return storage.withRememberedRows(rows);
  }
}
