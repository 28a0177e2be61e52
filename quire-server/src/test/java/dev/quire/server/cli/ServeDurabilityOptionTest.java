package dev.quire.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.jdbc.Durability;
import dev.quire.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code quire serve --durability FULL|NORMAL}, and the other options that shape the server's resources. */
class ServeDurabilityOptionTest {

  @Test
  void durability_isFullByDefault_andNormalWhenAsked() throws Exception {
    ServeCommand byDefault = new ServeCommand();
    new CommandLine(byDefault).parseArgs();
    assertThat(byDefault.config().storage().durability()).isEqualTo(Durability.FULL);

    ServeCommand normal = new ServeCommand();
    new CommandLine(normal).parseArgs("--durability", "NORMAL");
    assertThat(normal.config().storage().durability()).isEqualTo(Durability.NORMAL);
  }

  @Test
  void anUnknownDurability_isAUsageError() {
    StringWriter err = new StringWriter();
    int code = QuireCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "serve", "--durability", "SOMETIMES");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--durability");
  }

  @Test
  void jobRetention_defaultsToTheTrackersDefaults_andTakesBothOptions() throws Exception {
    ServeCommand byDefault = new ServeCommand();
    new CommandLine(byDefault).parseArgs();
    assertThat(byDefault.config().jobs()).isEqualTo(ServerConfig.Jobs.defaults());
    assertThat(byDefault.config().jobs().retainedFinished()).isEqualTo(100_000);

    ServeCommand small = new ServeCommand();
    new CommandLine(small).parseArgs("--retained-jobs", "5000", "--job-retention", "2m");
    assertThat(small.config().jobs()).isEqualTo(new ServerConfig.Jobs(5000, Duration.ofMinutes(2)));
  }

  @Test
  void retainingNoJobs_isRefusedWithTheOptionsMeaning() {
    ServeCommand none = new ServeCommand();
    new CommandLine(none).parseArgs("--retained-jobs", "0");
    assertThatThrownBy(none::config).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retainedFinished");
  }
}
