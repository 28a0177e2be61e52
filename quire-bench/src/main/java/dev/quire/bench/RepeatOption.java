package dev.quire.bench;

import dev.quire.bench.load.StorageSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --repeat}: how many times {@code load} or {@code rebuild} runs, each on fresh storage, and
 * what each run is called. A picocli mixin.
 */
final class RepeatOption {

  @Option(names = "--repeat", description = "Runs, each on fresh storage (a SQLite file given gets -r<run> in its "
      + "name, and so do the result files); with more than one, the median and range of the main figures follow. "
      + "Default ${DEFAULT-VALUE}.")
  int repeat = 1;

  /** The number of runs, refused below 1 as a usage error of {@code spec}'s command. */
  int runs(CommandLine.Model.CommandSpec spec) {
    if (repeat < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be at least 1, got " + repeat);
    }
    return repeat;
  }

  /** The storage of run {@code run}: the given one when the benchmark runs once. */
  StorageSpec storage(StorageSpec given, int run) {
    return repeat == 1 ? given : given.forRun(run);
  }

  /** The result files' stem of run {@code run}: the given one when the benchmark runs once. */
  String stem(String given, int run) {
    return repeat == 1 ? given : given + "-r" + run;
  }
}
