package dev.quire.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.jdbc.Durability;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code quire serve --durability FULL|NORMAL}. */
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
}
