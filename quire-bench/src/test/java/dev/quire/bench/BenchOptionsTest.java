package dev.quire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.bench.load.LoadConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The option mixins the bench subcommands share: parsed into each command, with each command's own defaults kept. */
class BenchOptionsTest {

  @Test
  void loadAndHttp_shareTheLoadAndOutputOptions() {
    String[] shared = {"-d", "7", "-c", "3", "-b", "2", "--mode", "open", "--rate", "250", "--warmup", "2s",
        "--out", "/tmp/o", "--name", "n", "--no-progress"};
    for (String[] commandLine : new String[][] {{"load"}, {"http", "--url", "http://127.0.0.1:1"}}) {
      String command = commandLine[0];
      CommandLine root = BenchMain.commandLine();
      root.parseArgs(Stream.concat(Arrays.stream(commandLine), Arrays.stream(shared)).toArray(String[]::new));
      Object options = root.getSubcommands().get(command).getCommand();
      LoadOptions load = options instanceof BenchMain.Load l ? l.load : ((BenchMain.Http) options).load;
      OutputOptions output = options instanceof BenchMain.Load l ? l.output : ((BenchMain.Http) options).output;

      assertThat(load.documents).as(command).isEqualTo(7);
      assertThat(load.clients).as(command).isEqualTo(3);
      assertThat(load.batch).as(command).isEqualTo(2);
      assertThat(load.loopMode()).as(command).isEqualTo(LoadConfig.Mode.OPEN);
      assertThat(load.warmup).as(command).isEqualTo(Duration.ofSeconds(2));
      assertThat(load.stem("x")).as(command).isEqualTo("x-open-250-b2");
      assertThat(output.out).as(command).isEqualTo(Path.of("/tmp/o"));
      assertThat(output.stem("derived")).as(command).isEqualTo("n");
      assertThat(output.progress.enabled()).as(command).isFalse();
    }
  }

  @Test
  void withoutOptions_eachCommandKeepsItsDefaults() {
    CommandLine root = BenchMain.commandLine();
    root.parseArgs("load");
    BenchMain.Load load = root.getSubcommands().get("load").getCommand();
    assertThat(load.load.warmup).isEqualTo(Duration.ofSeconds(5));
    assertThat(load.load.stem("load-memory")).isEqualTo("load-memory-closed-c64-b1");
    assertThat(load.output.out).isEqualTo(Path.of("bench-results"));
    assertThat(load.output.stem("derived")).isEqualTo("derived");
    assertThat(load.output.progress.enabled()).isTrue();

    root = BenchMain.commandLine();
    root.parseArgs("sync");
    ReplicationCommand sync = root.getSubcommands().get("sync").getCommand();
    assertThat(sync.storage).isEqualTo("sqlite-normal");
    assertThat(sync.output.out).isEqualTo(Path.of("bench-results"));
    assertThat(sync.output.progress.enabled()).isTrue();

    root = BenchMain.commandLine();
    root.parseArgs("rebuild", "--no-progress");
    BenchMain.Rebuild rebuild = root.getSubcommands().get("rebuild").getCommand();
    assertThat(rebuild.progress.enabled()).isFalse();
    assertThat(rebuild.repeat.repeat).isEqualTo(1);
    assertThat(load.repeat.repeat).isEqualTo(1);
  }

  @Test
  void repeat_isRefusedBelowOne_asAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine root = BenchMain.commandLine();
    root.setErr(new PrintWriter(err));

    int exit = root.execute("load", "--repeat", "0", "--no-progress");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--repeat must be at least 1, got 0");
  }

  @Test
  void repeat_runsEachTimeOnItsOwnFilesThenSummarises(@TempDir Path out) {
    StringWriter printed = new StringWriter();
    CommandLine root = BenchMain.commandLine();
    root.setOut(new PrintWriter(printed));

    int exit = root.execute("load", "--storage", "memory", "-d", "20", "-m", "5", "-c", "4", "--warmup", "0s",
        "--repeat", "2", "--out", out.toString(), "--name", "twice", "--no-progress");

    assertThat(exit).isZero();
    assertThat(out.resolve("twice-r1.json")).isNotEmptyFile();
    assertThat(out.resolve("twice-r2.json")).isNotEmptyFile();
    assertThat(printed.toString()).contains("repeated 2 times, median (min–max):").contains("jobs/s READ_READY");
  }
}
