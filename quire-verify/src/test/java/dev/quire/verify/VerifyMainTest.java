package dev.quire.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.verify.fault.FaultKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VerifyMainTest {

  private static VerifyMain parse(String... args) {
    VerifyMain main = new VerifyMain();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Test
  void durations_acceptShortFormsAndIso() {
    assertThat(VerifyMain.DurationOption.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(VerifyMain.DurationOption.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(VerifyMain.DurationOption.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(VerifyMain.DurationOption.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> VerifyMain.DurationOption.parse("10x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void faults_allNoneOrAList() {
    assertThat(parse().faultKinds()).containsExactlyInAnyOrder(FaultKind.values());
    assertThat(parse("--faults", "none").faultKinds()).isEmpty();
    assertThat(parse("--faults", "view-fails,process-killed").faultKinds())
        .containsExactlyInAnyOrder(FaultKind.VIEW_FAILS, FaultKind.PROCESS_KILLED);
  }

  @Test
  void options_carryTheCommandLine() {
    var options = parse("--duration", "2m", "--clients", "3", "--seed", "7", "--fault-gap", "2s..5s").options();

    assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.clients()).isEqualTo(3);
    assertThat(options.seed()).isEqualTo(7);
    assertThat(options.minFaultGap()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.maxFaultGap()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void databaseUrl_postgresGetsAFreshSchemaOfItsOwn() throws Exception {
    assertThat(parse("--storage", "postgresql").databaseUrl())
        .startsWith("postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=verify_");
    assertThat(parse("--storage", "postgresql", "--database", "postgresql://h/db?currentSchema=mine").databaseUrl())
        .isEqualTo("postgresql://h/db?currentSchema=mine");
    assertThat(parse("--storage", "memory").databaseUrl()).isNull();
  }
}
