package dev.quire.bench;

import picocli.CommandLine.Option;

/** {@code --no-progress}: a picocli mixin for every bench subcommand that draws a live progress line. */
final class ProgressOption {

  @Option(names = "--no-progress", description = "Do not print the live progress line on stderr.")
  boolean noProgress;

  /** Whether to draw the progress line. */
  boolean enabled() {
    return !noProgress;
  }
}
