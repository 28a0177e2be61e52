package dev.quire.bench;

import dev.quire.bench.load.LoadConfig;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a load run offers its jobs ({@code --documents}, {@code --clients}, {@code --batch},
 * {@code --mode}, {@code --rate}, {@code --warmup}): a picocli mixin for {@code load} and
 * {@code http}, which offer load alike. Their {@code --duration} differs (only {@code load} can run
 * count-bounded without it), so each declares its own; {@code sync} and {@code scale} word these
 * options for their own runs.
 */
final class LoadOptions {

  @Option(names = {"-d", "--documents"}, description = "Documents written to (D), default ${DEFAULT-VALUE}.")
  int documents = 1000;

  @Option(names = {"-c", "--clients"}, description = "Concurrent clients (C) in closed loop, default ${DEFAULT-VALUE}.")
  int clients = 64;

  @Option(names = {"-b", "--batch"}, description = "Actions per job, default ${DEFAULT-VALUE} (one action per job).")
  int batch = 1;

  @Option(names = "--mode", description = "closed (saturation) or open (fixed rate), default ${DEFAULT-VALUE}.")
  String mode = "closed";

  @Option(names = "--rate", description = "Jobs per second of an open-loop run.")
  double rate;

  @Option(names = "--warmup", description = "Warm-up before measuring (e.g. 5s), default ${DEFAULT-VALUE}.")
  Duration warmup = Duration.ofSeconds(5);

  LoadConfig.Mode loopMode() {
    return LoadConfig.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
  }

  /** The default file name stem: {@code prefix}, then the loop, its rate or clients, and the batch. */
  String stem(String prefix) {
    LoadConfig.Mode loop = loopMode();
    return prefix + "-" + loop.name().toLowerCase(Locale.ROOT)
        + (loop == LoadConfig.Mode.OPEN ? "-" + Math.round(rate) : "-c" + clients) + "-b" + batch;
  }
}
