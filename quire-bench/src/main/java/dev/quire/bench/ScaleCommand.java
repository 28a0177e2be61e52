package dev.quire.bench;

import dev.quire.bench.load.LoadConfig;
import dev.quire.bench.load.StorageSpec;
import dev.quire.bench.scale.ScaleCurve;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench scale}: a scale curve of the in-process load benchmark. */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Scale curve: the in-process load benchmark once per value of documents (D) or clients (C), "
        + "printing jobs/s, p50/p99 and CPU per job as a Markdown table and writing a plot.")
final class ScaleCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--vary", description = "documents or clients, default ${DEFAULT-VALUE}.")
  String vary = "documents";

  @Option(names = "--values", split = ",", description = "Values of the varied setting, default 1000,10000,100000.")
  List<Long> values = List.of(1_000L, 10_000L, 100_000L);

  @Option(names = {"-d", "--documents"}, description = "Documents when clients vary, default ${DEFAULT-VALUE}.")
  int documents = 1000;

  @Option(names = {"-c", "--clients"}, description = "Clients when documents vary, default ${DEFAULT-VALUE}.")
  int clients = 64;

  @Option(names = "--storage", description = "memory | sqlite-full | sqlite-normal | postgresql://..., "
      + "default ${DEFAULT-VALUE}.")
  String storage = "sqlite-normal";

  @CommandLine.Mixin
  RememberedRowsOption rememberedRows;

  @Option(names = {"-b", "--batch"}, description = "Actions per job, default ${DEFAULT-VALUE}.")
  int batch = 1;

  @Option(names = "--warmup", description = "Warm-up of each run, default ${DEFAULT-VALUE}.")
  Duration warmup = Duration.ofSeconds(3);

  @Option(names = "--duration", description = "Measured time of each run, default ${DEFAULT-VALUE}.")
  Duration duration = Duration.ofSeconds(10);

  @Option(names = "--out", description = "Folder for <name>.json and <name>.png, default ${DEFAULT-VALUE}.")
  Path out = OutputOptions.DEFAULT_OUT;

  @Option(names = "--name", description = "File name stem; default scale-<storage>-<vary>.")
  String name;

  @Override
  public Integer call() throws Exception {
    ScaleCurve.Axis axis = switch (vary.toLowerCase(Locale.ROOT)) {
      case "documents", "d" -> ScaleCurve.Axis.DOCUMENTS;
      case "clients", "c" -> ScaleCurve.Axis.CLIENTS;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--vary must be documents or clients, got " + vary);
    };
    if (values.isEmpty() || values.stream().anyMatch(v -> v < 1 || v > Integer.MAX_VALUE)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--values must be positive integers, got "
          + Arrays.toString(values.toArray()));
    }
    StorageSpec storageSpec = rememberedRows.applyTo(StorageSpec.parse(storage));
    LoadConfig base = new LoadConfig(documents, 1, clients, storageSpec, LoadConfig.Mode.CLOSED, 0, batch, warmup,
        duration, null, null, false);
    String stem = name != null ? name : "scale-" + storageSpec.label() + "-" + axis.name().toLowerCase(Locale.ROOT);
    ScaleCurve.run(base, axis, values, out, stem, spec.commandLine().getOut());
    spec.commandLine().getOut().printf("wrote %s and %s%n", out.resolve(stem + ".json"), out.resolve(stem + ".png"));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
