package dev.quire.verify.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.verify.check.Violation;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.report.MarkdownReport;
import dev.quire.verify.target.EmbeddedTarget;
import dev.quire.verify.target.ItemsReadModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short variant of {@code quire verify} that CI runs: the embedded default (SQLite) with every
 * in-process fault. Its twin against {@code quire serve} with SIGKILL and restart lives in
 * quire-server's tests ({@code ServerVerificationTest}), which can start the server from their
 * classpath. Zero violations, and the run must really have exercised
 * writes, token reads and faults.
 */
class ShortVerificationTest {

  /** Every in-process fault, the ambiguous (committed, answer lost) append included. */
  static final Set<FaultKind> IN_PROCESS = EnumSet.of(FaultKind.VIEW_FAILS, FaultKind.VIEW_STALLS,
      FaultKind.INDEXER_FAILS, FaultKind.INDEXER_STALLS, FaultKind.SIDE_FAILS, FaultKind.SIDE_STALLS,
      FaultKind.STORE_FAILS, FaultKind.STORE_ACK_LOST);

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void embeddedSqliteWithFaults_hasNoViolations(@TempDir Path dir) {
    RunOptions options = RunOptions.defaults(Duration.ofSeconds(60)).withClients(8).withFaults(IN_PROCESS);
    RunReport report;
    try (EmbeddedTarget target = new EmbeddedTarget(new EmbeddedTarget.Config(EmbeddedTarget.Storage.SQLITE,
        "sqlite:" + dir.resolve("verify.db"), Duration.ofSeconds(5), ItemsReadModel.Mode.CORRECT))) {
      report = Verification.run(target, options);
    }
    System.out.println(MarkdownReport.render(report, "CI: embedded SQLite", "ShortVerificationTest", "CI"));

    assertThat(report.result().violations()).extracting(Violation::describe).isEmpty();
    assertExercised(report, 7);
  }

  static void assertExercised(RunReport report, int faultKinds) {
    assertThat(report.faultCounts()).as("fault kinds injected").hasSizeGreaterThanOrEqualTo(faultKinds);
    assertThat(report.ops()).filteredOn(op -> op.kind() == OpKind.APPEND && op.outcome() == Outcome.OK)
        .hasSizeGreaterThan(20);
    assertThat(report.tokenReads()).isGreaterThan(20);
  }
}
