package dev.quire.bench;

import dev.quire.bench.compare.AlternatedRuns;
import dev.quire.bench.compare.PairedComparison;
import dev.quire.bench.load.Results;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench compare}: two builds, one benchmark command, alternated pairs. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Two builds in alternated pairs (each run a JVM of its own on a fresh folder): the mean of each,"
        + " the pairs' mean difference with its 95 %% confidence interval, and in how many pairs the candidate was"
        + " higher.",
        "Example: bench compare --baseline before.jar --candidate after.jar --pairs 8 -- load --storage"
            + " sqlite-normal:{run}/q.db --documents 1000 --clients 64 --warmup 10s --duration 15s",
        "{run} is replaced by the run's own folder; --no-progress and --out are added."})
final class CompareCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--baseline", required = true, description = "Class path (a benchmarks jar) of the build before.")
  String baseline;

  @Option(names = "--candidate", required = true, description = "Class path of the build after.")
  String candidate;

  @Option(names = "--pairs", description = "Pairs of runs, default ${DEFAULT-VALUE}.")
  int pairs = 8;

  @Option(names = "--java", description = "The java binary of the runs; default this JVM's.")
  String java = ProcessHandle.current().info().command().orElse("java");

  @Option(names = "--jvm-arg", description = "An option for the runs' JVMs (repeatable), e.g. --jvm-arg=-Xmx512m.")
  List<String> jvmArgs = new ArrayList<>();

  @Option(names = "--metric", description = "JSON pointer of a figure to compare (repeatable); default for"
      + " `load` jobs/s READ_READY, p99 submit→READ_READY and CPU per job; for `rebuild` the view's, the indexer's"
      + " and the store scan's operations/s and the view's CPU seconds; for `http` jobs/s, p99 and server CPU per job.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--out", description = "Folder for each run's JSON and log and compare.json, default"
      + " ${DEFAULT-VALUE}.")
  Path out = OutputOptions.DEFAULT_OUT.resolve("compare");

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The benchmark command and its options.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    if (pairs < 2) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--pairs must be at least 2, got " + pairs);
    }
    PrintWriter printer = spec.commandLine().getOut();
    List<String> compared = metrics.isEmpty() ? AlternatedRuns.defaultMetrics(command) : metrics;
    AlternatedRuns.Settings settings =
        new AlternatedRuns.Settings(java, jvmArgs, baseline, candidate, command, pairs, compared, out);
    AlternatedRuns.Outcome outcome = AlternatedRuns.run(settings, run -> {
      printer.printf(Locale.ROOT, "pair %d %-9s %s%n", run.pair(), run.side(), run.figures());
      printer.flush();
    });
    printer.printf("%-40s %14s %14s %9s %26s %6s%n", "metric", "baseline", "candidate", "diff", "95 % interval",
        "higher");
    for (Map.Entry<String, PairedComparison> entry : outcome.comparisons().entrySet()) {
      PairedComparison c = entry.getValue();
      printer.printf(Locale.ROOT, "%-40s %,14.2f %,14.2f %+8.1f%% %,12.2f – %,11.2f %3d/%d%s%n", entry.getKey(),
          c.baselineMean(), c.candidateMean(), c.relativeDifferencePercent(), c.lower(), c.upper(), c.candidateHigher(),
          c.pairs(), c.significant() ? "" : "  (cannot tell apart)");
    }
    Path file = out.resolve("compare.json");
    Results.writeJson(file, Map.of("settings", settings, "runs", outcome.runs(), "comparisons", outcome.comparisons()));
    printer.printf("wrote %s%n", file);
    printer.flush();
    return 0;
  }
}
