package dev.quire.verify;

import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.report.MarkdownReport;
import dev.quire.verify.run.RunOptions;
import dev.quire.verify.run.RunReport;
import dev.quire.verify.run.Verification;
import dev.quire.verify.target.EmbeddedTarget;
import dev.quire.verify.target.ItemsReadModel;
import dev.quire.verify.target.ServerTarget;
import dev.quire.verify.target.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quire verify}: runs the randomized, fault-injecting verification harness and prints (and
 * optionally appends to a Markdown file) the report. Exit code 0 when no invariant was violated, 1
 * when some were, 2 when the run itself could not be carried out.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Runs concurrent clients against Quire while injecting faults, records the history and checks it:",
      "every acknowledged write present exactly once, contiguous streams, token reads that reflect what",
      "their token covers, bounded typed waits, read models equal to a rebuild, convergence after faults."
    })
public final class VerifyMain implements Callable<Integer> {

  /** Where the storage lives. */
  public enum StorageOption {
    memory,
    sqlite,
    postgresql
  }

  /** Deliberately broken side read models, to see the checker fail. */
  public enum Sabotage {
    none,
    tracker_before_commit,
    drop_one_in_a_thousand
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--storage", defaultValue = "sqlite",
      description = "memory, sqlite (the embedded default) or postgresql (default: ${DEFAULT-VALUE}).")
  StorageOption storage;

  @Option(names = "--database", paramLabel = "URL",
      description = "sqlite:<file> or postgresql://host:port/db?user=..; default a fresh SQLite file under --data-dir, "
          + "or postgresql://127.0.0.1:5432/test?user=postgres with a fresh schema.")
  String database;

  @Option(names = "--data-dir", defaultValue = "./quire-verify-data", paramLabel = "DIR",
      description = "Where fresh SQLite files go (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--server-jar", paramLabel = "JAR",
      description = "Run `java -jar JAR serve` as a child process and drive it over HTTP (process kills and restarts); "
          + "without it, Quire runs embedded in this process.")
  Path serverJar;

  @Option(names = "--duration", defaultValue = "60s", converter = DurationOption.class,
      description = "How long the workload and the faults run, e.g. 90s or 10m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload's and faults' choices (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--faults", defaultValue = "all", split = ",", paramLabel = "KIND",
      description = "all, none, or a list of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); kinds the target "
          + "cannot inject are left out.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--fault-gap", defaultValue = "1s..4s", paramLabel = "MIN..MAX",
      description = "Pause between faults (default: ${DEFAULT-VALUE}).")
  String faultGap;

  @Option(names = "--wait", defaultValue = "5s", converter = DurationOption.class,
      description = "How long writes wait for their job and reads for their token (default: ${DEFAULT-VALUE}).")
  Duration wait;

  @Option(names = "--think-time", defaultValue = "2ms", converter = DurationOption.class,
      description = "Pause between two operations of a client (default: ${DEFAULT-VALUE}).")
  Duration thinkTime;

  @Option(names = "--no-deletes", description = "Clients never delete documents.")
  boolean noDeletes;

  @Option(names = "--sabotage", defaultValue = "none",
      description = "Run with a deliberately broken side read model to see the checker fail: ${COMPLETION-CANDIDATES}.")
  Sabotage sabotage;

  @Option(names = "--report", paramLabel = "FILE", description = "Append the Markdown report to FILE.")
  Path report;

  @Option(names = "--title", description = "Title of the report section (default: derived from the options).")
  String title;

  public static void main(String[] args) {
    System.exit(new CommandLine(new VerifyMain()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    RunOptions options = options();
    RunReport result;
    try (Target target = target()) {
      result = Verification.run(target, options);
    }
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    // Mounted under `quire`, the parse result's arguments start with the subcommand's own name.
    if (!args.isEmpty() && args.get(0).equals("verify")) {
      args = args.subList(1, args.size());
    }
    String command = "quire verify " + String.join(" ", args.stream()
        .map(arg -> arg.contains(" ") ? "\"" + arg + "\"" : arg).toList());
    String section = MarkdownReport.render(result, title != null ? title : defaultTitle(), command, machine());
    out.println(section);
    out.flush();
    if (report != null) {
      if (report.getParent() != null) {
        Files.createDirectories(report.getParent());
      }
      Files.writeString(report, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return result.passed() ? 0 : 1;
  }

  RunOptions options() {
    String[] gap = faultGap.split("\\.\\.");
    if (gap.length != 2) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fault-gap must be MIN..MAX, e.g. 1s..4s");
    }
    return RunOptions.defaults(duration).withClients(clients).withSeed(seed).withFaults(faultKinds())
        .withFaultGaps(DurationOption.parse(gap[0]), DurationOption.parse(gap[1])).withThinkTime(thinkTime)
        .withDeletes(!noDeletes);
  }

  Set<FaultKind> faultKinds() {
    if (faults.isEmpty() || faults.equals(List.of("all"))) {
      return EnumSet.allOf(FaultKind.class);
    }
    if (faults.equals(List.of("none"))) {
      return EnumSet.noneOf(FaultKind.class);
    }
    Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    for (String name : faults) {
      kinds.add(FaultKind.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    return kinds;
  }

  Target target() throws IOException {
    String url = databaseUrl();
    if (serverJar != null) {
      return new ServerTarget(ServerTarget.Config.jar(serverJar, url, wait, dataDir));
    }
    ItemsReadModel.Mode mode = switch (sabotage) {
      case none -> ItemsReadModel.Mode.CORRECT;
      case tracker_before_commit -> ItemsReadModel.Mode.TRACKER_BEFORE_COMMIT;
      case drop_one_in_a_thousand -> ItemsReadModel.Mode.DROP_ONE_IN_A_THOUSAND;
    };
    EmbeddedTarget.Storage kind = switch (storage) {
      case memory -> EmbeddedTarget.Storage.MEMORY;
      case sqlite -> EmbeddedTarget.Storage.SQLITE;
      case postgresql -> EmbeddedTarget.Storage.POSTGRESQL;
    };
    return new EmbeddedTarget(new EmbeddedTarget.Config(kind, url, wait, mode));
  }

  /** The URL to run on: the given one, or a fresh SQLite file / PostgreSQL schema. */
  String databaseUrl() throws IOException {
    String run = Long.toString(System.currentTimeMillis(), 36);
    return switch (storage) {
      case memory -> serverJar != null ? "memory" : null;
      case sqlite -> {
        if (database != null) {
          yield database;
        }
        Files.createDirectories(dataDir);
        yield "sqlite:" + dataDir.toAbsolutePath().normalize().resolve("verify-" + run + ".db");
      }
      case postgresql -> {
        String base = database != null ? database : "postgresql://127.0.0.1:5432/test?user=postgres";
        yield base.contains("currentSchema=") ? base
            : base + (base.contains("?") ? "&" : "?") + "currentSchema=verify_" + run;
      }
    };
  }

  private String defaultTitle() {
    return (serverJar != null ? "quire serve over HTTP" : "Embedded") + ", " + storage + ", " + duration.toMinutes()
        + " min" + (duration.toSecondsPart() > 0 ? " " + duration.toSecondsPart() + " s" : "")
        + (sabotage != Sabotage.none ? ", sabotaged (" + sabotage + ")" : "");
  }

  static String machine() {
    Runtime runtime = Runtime.getRuntime();
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + runtime.availableProcessors()
        + " cores, " + (memory >> 30) + " GiB RAM, Java " + System.getProperty("java.version");
  }

  /** Parses 500ms, 90s, 10m, 1h or ISO-8601 (PT1M). */
  public static final class DurationOption implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parse(value);
    }

    static Duration parse(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      if (text.startsWith("pt")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new IllegalArgumentException("Not a duration: " + value + " (use 500ms, 90s, 10m or PT1M)");
      };
    }
  }
}
