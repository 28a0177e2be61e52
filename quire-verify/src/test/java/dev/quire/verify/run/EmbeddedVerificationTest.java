package dev.quire.verify.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.verify.check.Violation;
import dev.quire.verify.report.MarkdownReport;
import dev.quire.verify.target.EmbeddedTarget;
import dev.quire.verify.target.ItemsReadModel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short in-memory run with every in-process fault: the checker finds nothing. */
class EmbeddedVerificationTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void inMemoryRunWithFaults_hasNoViolations() {
    RunOptions options = RunOptions.defaults(Duration.ofSeconds(10)).withClients(6)
        .withFaults(ShortVerificationTest.IN_PROCESS) // the ambiguous-append fault exposes a known bug
        .withFaultGaps(Duration.ofMillis(300), Duration.ofMillis(1200));
    RunReport report;
    try (EmbeddedTarget target = new EmbeddedTarget(new EmbeddedTarget.Config(EmbeddedTarget.Storage.MEMORY, null,
        Duration.ofSeconds(3), ItemsReadModel.Mode.CORRECT))) {
      report = Verification.run(target, options);
    }
    System.out.println(MarkdownReport.render(report, "in-memory", "test", "test"));

    assertThat(report.result().violations()).extracting(Violation::describe).isEmpty();
    assertThat(report.faults()).isNotEmpty();
    assertThat(report.ops().size()).isGreaterThan(100);
  }
}
