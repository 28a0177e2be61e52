package dev.quire.bench;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a run's result goes and whether it shows progress ({@code --out}, {@code --name},
 * {@code --no-progress}): a picocli mixin for {@code load}, {@code http} and {@code sync}.
 * {@code rebuild} and {@code scale} word {@code --out} and {@code --name} differently (rebuild writes
 * no plot; both name their default stem), so they declare their own.
 */
final class OutputOptions {

  /**
   * Where results go unless {@code --out} says otherwise: a folder of the working directory that git
   * ignores, so a trial run does not overwrite the figures committed under {@code docs/bench}
   * (record those with {@code --out docs/bench}).
   */
  static final Path DEFAULT_OUT = Path.of("bench-results");

  @Option(names = "--out", description = "Folder for <name>.json and <name>.png, default ${DEFAULT-VALUE}.")
  Path out = DEFAULT_OUT;

  @Option(names = "--name", description = "File name stem; default derived from the settings.")
  String name;

  @Mixin
  ProgressOption progress;

  /** The file name stem: {@code --name}, else {@code derived} from the settings. */
  String stem(String derived) {
    return name != null ? name : derived;
  }
}
