package dev.quire.bench;

import dev.quire.bench.http.HttpLoadBenchmark;
import dev.quire.bench.http.HttpLoadConfig;
import dev.quire.bench.http.HttpLoadResult;
import dev.quire.bench.load.LatencySummary;
import dev.quire.bench.load.LoadBenchmark;
import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.LoadFigures;
import dev.quire.bench.load.LoadResult;
import dev.quire.bench.load.ProcessResources;
import dev.quire.bench.load.RebuildBenchmark;
import dev.quire.bench.load.RebuildConfig;
import dev.quire.bench.load.RebuildResult;
import dev.quire.bench.load.StorageSpec;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the end-to-end benchmarks ({@code load}, {@code rebuild}, {@code http}); JMH micro-benchmarks
 * run through {@code org.openjdk.jmh.Main} instead.
 *
 * <pre>
 * java -cp quire-bench/target/benchmarks.jar dev.quire.bench.BenchMain load \
 *     --storage sqlite-full --documents 1000 --clients 64 --duration 30s --warmup 5s
 * java -cp quire-bench/target/benchmarks.jar dev.quire.bench.BenchMain rebuild \
 *     --operations 1000000 --documents 100000 --storage sqlite-normal
 * quire bench http --url http://127.0.0.1:8080 --duration 20s --server-pid $(pgrep -f 'quire.jar serve')
 * </pre>
 *
 * The server CLI can mount {@link #commandLine()} as its {@code bench} subcommand.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "End-to-end Quire benchmarks: load (throughput and latency, in-process), http (the same "
        + "against a running server), sync (replication between two replicas), scale (load curves over "
        + "documents or clients), rebuild, and compare (two builds in alternated pairs). Figures and commands: "
        + "docs/benchmarks.md.",
    subcommands = {BenchMain.Load.class, BenchMain.Rebuild.class, BenchMain.Http.class, ReplicationCommand.class,
        ScaleCommand.class, CompareCommand.class})
public final class BenchMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The {@code bench} command with its subcommands. */
  public static CommandLine commandLine() {
    return new CommandLine(new BenchMain()).registerConverter(Duration.class, BenchMain::duration);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 ({@code PT30S}). */
  static Duration duration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt")) {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    }
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    if (value.endsWith("m")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)); // bare number: seconds
  }

  /** {@code bench load}. */
  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "End-to-end load, in-process: jobs/s to WRITE_READY and READ_READY, latency percentiles.")
  public static final class Load implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    LoadOptions load;

    @Option(names = {"-m", "--actions"},
        description = "Actions per document (M) of a count-bounded run (no --duration), default ${DEFAULT-VALUE}.")
    int actions = 10;

    @Option(names = "--storage", description = "memory | sqlite-full[:file] | sqlite-normal[:file] | "
        + "postgresql://host:port/db?user=.. | postgresql-normal:postgresql://... | "
        + "postgresql-exclusive:postgresql://..., default ${DEFAULT-VALUE} "
        + "(what quire serve runs on by default).")
    String storage = "sqlite-full";

    @Mixin
    RememberedRowsOption rememberedRows;

    @Option(names = "--duration",
        description = "Measured time (e.g. 30s); without it the run is count-bounded (D * M actions).")
    Duration duration;

    @Mixin
    OutputOptions output;

    @Mixin
    RepeatOption repeat;

    @Override
    public Integer call() throws Exception {
      int runs = repeat.runs(spec);
      StorageSpec storageSpec = rememberedRows.applyTo(StorageSpec.parse(storage));
      String stem = output.stem(load.stem("load-" + storageSpec.label()));
      PrintWriter out = spec.commandLine().getOut();
      List<LoadResult> results = new ArrayList<>(runs);
      for (int run = 1; run <= runs; run++) {
        LoadConfig config = new LoadConfig(load.documents, actions, load.clients, repeat.storage(storageSpec, run),
            load.loopMode(), load.rate, load.batch, load.warmup, duration, output.out, repeat.stem(stem, run),
            output.progress.enabled());
        LoadResult result = LoadBenchmark.run(config);
        print(out, result, output.out);
        results.add(result);
      }
      if (runs > 1) {
        printSpread(out, results);
      }
      return 0;
    }

    /** The main figures of repeated runs: median and range. */
    static void printSpread(PrintWriter out, List<LoadResult> results) {
      out.printf(Locale.ROOT, "repeated %d times, median (min–max):%n", results.size());
      out.printf(Locale.ROOT, "  jobs/s READ_READY          %s%n",
          spread(results, r -> r.figures().throughput().jobsPerSecondReadReady()).format("%,.0f"));
      out.printf(Locale.ROOT, "  submit→READ_READY p99 ms   %s%n",
          spread(results, r -> latency(r, LoadFigures.SUBMIT_TO_READ_READY)).format("%.2f"));
      out.printf(Locale.ROOT, "  read with token p99 ms     %s%n",
          spread(results, r -> latency(r, LoadFigures.READ_WITH_TOKEN)).format("%.3f"));
      out.printf(Locale.ROOT, "  CPU µs/job                 %s%n",
          spread(results, r -> r.resources().cpuMicrosPerJob()).format("%.1f"));
      out.flush();
    }

    private static double latency(LoadResult result, String metric) {
      LatencySummary summary = result.figures().latencyMs().get(metric);
      return summary == null ? Double.NaN : summary.p99();
    }

    private static Spread spread(List<LoadResult> results, ToDoubleFunction<LoadResult> figure) {
      return Spread.of(results.stream().map(figure::applyAsDouble).toList());
    }

    static void print(PrintWriter out, LoadResult result, Path folder) {
      LoadResult.Settings s = result.settings();
      LoadFigures figures = result.figures();
      out.printf(Locale.ROOT, "load: %s, %s loop%s, %d documents, %d action(s)/job, %.1f s measured%n",
          s.storage(), s.mode(), ReportLines.loop(s.mode(), s.targetJobsPerSecond(), s.clients()),
          s.documents(), s.actionsPerJob(), figures.measuredSeconds());
      LoadFigures.Throughput t = figures.throughput();
      out.printf(Locale.ROOT, "  jobs/s:  offered %,.0f  WRITE_READY %,.0f  READ_READY %,.0f%n",
          t.offeredJobsPerSecond(), t.jobsPerSecondWriteReady(), t.jobsPerSecondReadReady());
      out.printf(Locale.ROOT, "  ops/s:   WRITE_READY %,.0f  READ_READY %,.0f%n",
          t.operationsPerSecondWriteReady(), t.operationsPerSecondReadReady());
      ReportLines.latencyTable(out, figures.latencyMs(), 22);
      LoadFigures.Counts c = figures.counts();
      out.printf(Locale.ROOT, "  jobs: submitted %,d, WRITE_READY %,d, READ_READY %,d, failed %,d; reads %,d (%d failed)%n",
          c.jobsSubmitted(), c.jobsWriteReady(), c.jobsReadReady(), c.jobsFailed(), c.reads(), c.readsFailed());
      ProcessResources r = result.resources();
      out.printf(Locale.ROOT, "  CPU %.1f µs/job (%.1f s), peak heap %,d MiB, peak RSS %,d MiB%s%n",
          r.cpuMicrosPerJob(), r.cpuSeconds(), r.peakHeapBytes() >> 20, r.peakRssBytes() >> 20,
          r.peakRssReset() ? "" : " (since start-up)");
      if (r.writtenBytesPerJob() >= 0) {
        out.printf(Locale.ROOT, "  I/O per job (system calls): %,.1f KB written, %,.1f KB read%n",
            r.writtenBytesPerJob() / 1000.0, r.readBytesPerJob() / 1000.0);
      }
      ReportLines.wrote(out, folder, result.plot());
      out.flush();
    }
  }

  /** {@code bench rebuild}. */
  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = "Rebuild: a fresh document view and indexer catching up on N operations over D documents.")
  public static final class Rebuild implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--operations"}, description = "Operations in the store (N), default ${DEFAULT-VALUE}.")
    long operations = 1_000_000;

    @Option(names = {"-d", "--documents"}, description = "Documents (D), default ${DEFAULT-VALUE}.")
    int documents = 100_000;

    @Option(names = "--storage", description = "memory | sqlite-full[:file] | sqlite-normal[:file] | "
        + "postgresql://..., default ${DEFAULT-VALUE}.")
    String storage = "memory";

    @Option(names = "--page-size", description = "Operations per catch-up page (in-memory), default ${DEFAULT-VALUE}.")
    int pageSize = 1000;

    @Option(names = "--append-batch", description = "Operations per append while generating, default ${DEFAULT-VALUE}.")
    int appendBatch = 5000;

    @Option(names = "--out", description = "Folder for <name>.json, default ${DEFAULT-VALUE}.")
    Path out = OutputOptions.DEFAULT_OUT;

    @Option(names = "--name", description = "File name stem; default rebuild-<storage>.")
    String name;

    @Mixin
    ProgressOption progress;

    @Mixin
    RepeatOption repeat;

    @Override
    public Integer call() throws Exception {
      int runs = repeat.runs(spec);
      StorageSpec storageSpec = StorageSpec.parse(storage);
      String stem = name != null ? name : "rebuild-" + storageSpec.label();
      PrintWriter printer = spec.commandLine().getOut();
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (int run = 1; run <= runs; run++) {
        RebuildResult result = RebuildBenchmark.run(new RebuildConfig(operations, documents,
            repeat.storage(storageSpec, run), pageSize, appendBatch, out, repeat.stem(stem, run), progress.enabled()));
        print(printer, result, out.resolve(repeat.stem(stem, run) + ".json"));
        phases(result).forEach((phase, figures) ->
            rates.computeIfAbsent(phase, p -> new ArrayList<>()).add(figures.operationsPerSecond()));
      }
      if (runs > 1) {
        printer.printf(Locale.ROOT, "repeated %d times, ops/s median (min–max):%n", runs);
        rates.forEach((phase, values) ->
            printer.printf(Locale.ROOT, "  %-20s %s%n", phase, Spread.of(values).format("%,.0f")));
        printer.flush();
      }
      return 0;
    }

    /** The phases of a rebuild run in the order they ran. */
    static Map<String, RebuildResult.Phase> phases(RebuildResult result) {
      Map<String, RebuildResult.Phase> phases = new LinkedHashMap<>();
      phases.put("store scan", result.storeScan());
      phases.put("document view", result.documentView());
      phases.put("document indexer", result.documentIndexer());
      phases.put("view + indexer", result.both());
      phases.put("both at once", result.together());
      return phases;
    }

    static void print(PrintWriter printer, RebuildResult result, Path json) {
      printer.printf(Locale.ROOT, "rebuild: %s, %,d operations over %,d documents (generated in %.1f s)%n",
          result.settings().storage(), result.settings().operations(), result.settings().documents(),
          result.generateSeconds());
      phases(result).forEach((phase, figures) -> printer.printf(Locale.ROOT,
          "  %-20s %8.2f s  %,12.0f ops/s  CPU %6.2f s%n",
          phase, figures.seconds(), figures.operationsPerSecond(), figures.cpuSeconds()));
      printer.printf(Locale.ROOT, "  peak heap %,d MiB, peak RSS %,d MiB; wrote %s%n", result.peakHeapBytes() >> 20,
          result.peakRssBytes() >> 20, json);
      printer.flush();
    }
  }

  /** {@code bench http}: the load benchmark against a running {@code quire serve}. */
  @Command(name = "http", mixinStandardHelpOptions = true,
      description = "End-to-end load over HTTP against a running server: jobs/s to READ_READY (write with "
          + "wait=true), then a read with the job's consistency token; latency percentiles.")
  public static final class Http implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, description = "The server, e.g. http://127.0.0.1:8080.")
    URI url;

    @Mixin
    LoadOptions load;

    @Option(names = "--duration", description = "Measured time (e.g. 30s), default ${DEFAULT-VALUE}.")
    Duration duration = Duration.ofSeconds(20);

    @Option(names = {"-n", "--jobs"},
        description = "Run exactly this many measured jobs instead of for --duration.")
    Long jobs;

    @Option(names = "--auth-token", description = "Bearer token for the writes, when the server was started "
        + "with --auth-token-file.")
    String authToken;

    @Option(names = "--server-pid", description = "The server's process id: reports its CPU time per job and "
        + "peak RSS from /proc (Linux).")
    Long serverPid;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
      HttpLoadConfig config = new HttpLoadConfig(url, load.documents, load.clients, load.loopMode(), load.rate,
          load.batch, load.warmup, jobs == null ? duration : null, jobs == null ? 0 : jobs, authToken, serverPid,
          output.out, output.stem(load.stem("http")), output.progress.enabled());
      HttpLoadResult result = HttpLoadBenchmark.run(config);
      print(spec.commandLine().getOut(), result, output.out);
      return 0;
    }

    public static void print(PrintWriter out, HttpLoadResult result, Path folder) {
      HttpLoadResult.Settings s = result.settings();
      LoadFigures figures = result.figures();
      out.printf(Locale.ROOT, "http: %s, %s loop%s, %d documents, %d action(s)/job, %.1f s measured%n",
          s.url(), s.mode(), ReportLines.loop(s.mode(), s.targetJobsPerSecond(), s.clients()),
          s.documents(), s.actionsPerJob(), figures.measuredSeconds());
      LoadFigures.Throughput t = figures.throughput();
      out.printf(Locale.ROOT, "  jobs/s:  offered %,.0f  READ_READY %,.0f%n",
          t.offeredJobsPerSecond(), t.jobsPerSecondReadReady());
      out.printf(Locale.ROOT, "  ops/s:   READ_READY %,.0f%n", t.operationsPerSecondReadReady());
      ReportLines.latencyTable(out, figures.latencyMs(), 22);
      LoadFigures.Counts c = figures.counts();
      out.printf(Locale.ROOT, "  jobs: submitted %,d, READ_READY %,d, failed %,d; reads %,d (%d failed)%n",
          c.jobsSubmitted(), c.jobsReadReady(), c.jobsFailed(), c.reads(), c.readsFailed());
      HttpLoadResult.Resources r = result.resources();
      if (r.serverCpuSeconds() != null) {
        out.printf(Locale.ROOT, "  server (pid %d): CPU %.1f µs/job (%.1f s), peak RSS %,d MiB (since start-up)%n",
            s.serverPid(), r.serverCpuMicrosPerJob(), r.serverCpuSeconds(), r.serverPeakRssBytes() >> 20);
        if (r.serverWrittenBytesPerJob() != null) {
          out.printf(Locale.ROOT, "  server I/O per job (system calls): %,.1f KB written, %,.1f KB read%n",
              r.serverWrittenBytesPerJob() / 1000.0, r.serverReadBytesPerJob() / 1000.0);
        }
      } else {
        out.println("  server: CPU and memory not measured (no --server-pid)");
      }
      out.printf(Locale.ROOT, "  client: CPU %.1f µs/job (%.1f s), peak heap %,d MiB, peak RSS %,d MiB%s%n",
          r.clientCpuMicrosPerJob(), r.clientCpuSeconds(), r.clientPeakHeapBytes() >> 20,
          r.clientPeakRssBytes() >> 20, r.clientPeakRssReset() ? "" : " (since start-up)");
      if (!result.failures().isEmpty()) {
        out.printf(Locale.ROOT, "  failures: %s%n  first: %s%n", result.failures(), result.firstFailure());
      }
      ReportLines.wrote(out, folder, result.plot());
      out.flush();
    }
  }
}
