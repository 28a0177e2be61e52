package dev.quire.bench;

import dev.quire.bench.load.ReplicationBenchmark;
import dev.quire.bench.load.ReplicationConfig;
import dev.quire.bench.load.ReplicationResult;
import dev.quire.bench.load.StorageSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench sync}: replication from one replica to another over the sync endpoints. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Replication A → B over HTTP, both replicas in this process: operations/s readable on B and "
        + "latency from a write on A until it is readable on B.")
final class ReplicationCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-d", "--documents"}, description = "Documents written to on A, default ${DEFAULT-VALUE}.")
  int documents = 1000;

  @Option(names = {"-c", "--clients"}, description = "Concurrent writers on A (closed loop), default ${DEFAULT-VALUE}.")
  int clients = 64;

  @Option(names = "--storage", description = "Storage of each replica: memory | sqlite-full | sqlite-normal | "
      + "postgresql://... (one schema each), default ${DEFAULT-VALUE}.")
  String storage = "sqlite-normal";

  @Option(names = "--direction", description = "push (A sends as it writes) or pull (B polls A), default ${DEFAULT-VALUE}.")
  String direction = "push";

  @Option(names = "--poll-interval", description = "Pull: how often B asks A when idle, default ${DEFAULT-VALUE}.")
  Duration pollInterval = Duration.ofMillis(500);

  @Option(names = "--batch-size", description = "Operations per sync page, default ${DEFAULT-VALUE}.")
  int batchSize = 500;

  @Option(names = "--rate", description = "Open loop: jobs per second written on A (default: closed loop).")
  double rate;

  @Option(names = "--warmup", description = "Warm-up before measuring, default ${DEFAULT-VALUE}.")
  Duration warmup = Duration.ofSeconds(5);

  @Option(names = "--duration", description = "Measured time, default ${DEFAULT-VALUE}.")
  Duration duration = Duration.ofSeconds(20);

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() throws Exception {
    boolean push = switch (direction.toLowerCase(Locale.ROOT)) {
      case "push" -> true;
      case "pull" -> false;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--direction must be push or pull, got " + direction);
    };
    StorageSpec storageSpec = StorageSpec.parse(storage);
    String stem = output.stem("sync-" + storageSpec.label() + "-" + (push ? "push" : "pull")
        + (rate > 0 ? "-open-" + Math.round(rate) : "-c" + clients));
    ReplicationResult result = ReplicationBenchmark.run(new ReplicationConfig(documents, clients, storageSpec, push,
        pollInterval, batchSize, rate, warmup, duration, output.out, stem, output.progress.enabled()));
    print(spec.commandLine().getOut(), result);
    return 0;
  }

  private void print(PrintWriter printer, ReplicationResult result) {
    ReplicationResult.Settings s = result.settings();
    printer.printf(Locale.ROOT, "sync: %s → %s, %s, %s, %d documents, %.1f s measured%n", s.storage(), s.storage(),
        s.direction().equals("push") ? "A pushes to B" : "B pulls from A every " + s.pollIntervalSeconds() + " s",
        s.mode().equals("open") ? String.format(Locale.ROOT, "open loop at %,.0f jobs/s", s.targetJobsPerSecond())
            : s.clients() + " writers on A",
        s.documents(), result.measuredSeconds());
    printer.printf(Locale.ROOT, "  written on A %,.0f jobs/s; readable on B %,.0f ops/s (%,d in the window, %,d after it)%n",
        result.writtenJobsPerSecond(), result.replicatedOpsPerSecond(), result.operationsReplicated(),
        result.replicatedAfterWindow());
    if (result.drainSeconds() >= 0.5) {
      printer.printf(Locale.ROOT, "  backlog caught up in %.1f s: %,.0f ops/s%n", result.drainSeconds(),
          result.drainOpsPerSecond());
    }
    ReportLines.latencyTable(printer, result.latencyMs(), 24);
    printer.printf(Locale.ROOT, "  CPU %.1f s (both replicas), peak heap %,d MiB%s%n", result.cpuSeconds(),
        result.peakHeapBytes() >> 20, result.plot() == null ? "" : "; wrote " + output.out.resolve(result.plot()));
    printer.flush();
  }
}
