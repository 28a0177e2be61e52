package dev.quire.bench.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.bench.load.TempFolders;
import dev.quire.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs one benchmark command on two builds in alternated pairs, each run in a JVM of its own on a
 * fresh folder: baseline then candidate in odd pairs, candidate then baseline in even ones, so a
 * host that drifts one way during a pair favours each side equally often.
 *
 * <p>Each run is {@code java <jvm args> -cp <build> dev.quire.bench.BenchMain <command> --no-progress
 * --out <folder>}, with {@value #RUN_FOLDER} in the command replaced by that folder (e.g. {@code
 * --storage sqlite-normal:{run}/q.db}); the run's JSON result is kept as {@code <out>/pair-<n>-<side>.json},
 * the folder (and its database) deleted.
 */
public final class AlternatedRuns {

  /** Replaced in the command by the run's own folder. */
  public static final String RUN_FOLDER = "{run}";

  /** The JSON pointers compared by default for {@code bench load}: jobs/s, p99, CPU per job. */
  public static final List<String> LOAD_METRICS =
      List.of("/throughput/jobsPerSecondReadReady", "/latencyMs/submitToReadReady/p99", "/resources/cpuMicrosPerJob");
  /** For {@code bench rebuild}: each read model's and the store scan's operations/s, and the view's CPU. */
  public static final List<String> REBUILD_METRICS = List.of("/documentView/operationsPerSecond",
      "/documentIndexer/operationsPerSecond", "/storeScan/operationsPerSecond", "/documentView/cpuSeconds");
  /** For {@code bench http}: jobs/s, p99 and the server's CPU per job. */
  public static final List<String> HTTP_METRICS = List.of("/throughput/jobsPerSecondReadReady",
      "/latencyMs/submitToReadReady/p99", "/resources/serverCpuMicrosPerJob");

  /** The metrics compared when none are named: those of the benchmark {@code command} runs. */
  public static List<String> defaultMetrics(List<String> command) {
    return switch (command.isEmpty() ? "" : command.get(0)) {
      case "rebuild" -> REBUILD_METRICS;
      case "http" -> HTTP_METRICS;
      default -> LOAD_METRICS;
    };
  }

  /** The builds, the command and where results go. */
  public record Settings(String java, List<String> jvmArgs, String baseline, String candidate, List<String> command,
      int pairs, List<String> metrics, Path out) {
    public Settings {
      if (pairs < 2) {
        throw new IllegalArgumentException("pairs must be at least 2, got " + pairs);
      }
      if (command.isEmpty()) {
        throw new IllegalArgumentException("no benchmark command to run");
      }
      jvmArgs = List.copyOf(jvmArgs);
      command = List.copyOf(command);
      metrics = List.copyOf(metrics);
    }
  }

  /** Which build a run ran. */
  public enum Side {
    BASELINE, CANDIDATE;

    /** The side's name in file names and reports. */
    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    String classPath(Settings settings) {
      return this == BASELINE ? settings.baseline() : settings.candidate();
    }
  }

  /** One run's figures, in the order of {@link Settings#metrics()}. */
  public record Run(int pair, Side side, List<Double> figures) {}

  /** Every run and, per metric, the comparison over the pairs. */
  public record Outcome(List<Run> runs, Map<String, PairedComparison> comparisons) {}

  private AlternatedRuns() {}

  /**
   * Runs the pairs; {@code progress} hears of each run as it ends.
   *
   * @throws IllegalStateException when a run fails or its result lacks a metric (its log is named)
   */
  public static Outcome run(Settings settings, Consumer<Run> progress) throws IOException, InterruptedException {
    Files.createDirectories(settings.out());
    List<Run> runs = new ArrayList<>();
    List<List<Double>> baseline = new ArrayList<>();
    List<List<Double>> candidate = new ArrayList<>();
    for (int pair = 1; pair <= settings.pairs(); pair++) {
      List<Side> order = pair % 2 == 1 ? List.of(Side.BASELINE, Side.CANDIDATE) : List.of(Side.CANDIDATE, Side.BASELINE);
      for (Side side : order) {
        Run run = runOnce(settings, pair, side);
        runs.add(run);
        (side == Side.BASELINE ? baseline : candidate).add(run.figures());
        progress.accept(run);
      }
    }
    Map<String, PairedComparison> comparisons = new LinkedHashMap<>();
    for (int m = 0; m < settings.metrics().size(); m++) {
      int metric = m;
      comparisons.put(settings.metrics().get(m), PairedComparison.of(
          baseline.stream().map(f -> f.get(metric)).toList(), candidate.stream().map(f -> f.get(metric)).toList()));
    }
    return new Outcome(runs, comparisons);
  }

  private static Run runOnce(Settings settings, int pair, Side side) throws IOException, InterruptedException {
    Path folder = Files.createTempDirectory("quire-compare-");
    try {
      List<String> command = new ArrayList<>();
      command.add(settings.java());
      command.addAll(settings.jvmArgs());
      command.addAll(List.of("-cp", side.classPath(settings), "dev.quire.bench.BenchMain"));
      for (String arg : settings.command()) {
        command.add(arg.replace(RUN_FOLDER, folder.toString()));
      }
      command.addAll(List.of("--no-progress", "--out", folder.toString()));
      Path log = settings.out().resolve("pair-" + pair + "-" + side + ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException(
            "pair " + pair + ", " + side + ": the run exited with " + exit + "; see " + log);
      }
      Path result = onlyJson(folder, log);
      Path kept = settings.out().resolve("pair-" + pair + "-" + side + ".json");
      Files.copy(result, kept, StandardCopyOption.REPLACE_EXISTING);
      return new Run(pair, side, figures(Json.mapper().readTree(result.toFile()), settings.metrics(), kept));
    } finally {
      TempFolders.deleteQuietly(folder);
    }
  }

  static List<Double> figures(JsonNode result, List<String> metrics, Path source) {
    List<Double> figures = new ArrayList<>(metrics.size());
    for (String pointer : metrics) {
      JsonNode value = result.at(pointer);
      if (!value.isNumber()) {
        throw new IllegalStateException(source + " has no number at " + pointer);
      }
      figures.add(value.asDouble());
    }
    return figures;
  }

  private static Path onlyJson(Path folder, Path log) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> json = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
      if (json.size() != 1) {
        throw new IllegalStateException("expected one JSON result in the run's folder, found " + json.size()
            + " (a --repeat in the command?); see " + log);
      }
      return json.get(0);
    }
  }
}
