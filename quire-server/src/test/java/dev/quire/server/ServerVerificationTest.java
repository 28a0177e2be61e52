package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.verify.check.Violation;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.report.MarkdownReport;
import dev.quire.verify.run.RunOptions;
import dev.quire.verify.run.RunReport;
import dev.quire.verify.run.Verification;
import dev.quire.verify.target.ServerTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short CI variant of {@code quire verify} against a real {@code quire serve} process on
 * SQLite, killed with SIGKILL and restarted during the run: zero violations, and the run must really
 * have written, read with tokens and killed the server. The server is started from this module's
 * test classpath, so the test does not depend on the shaded jar having been built first.
 */
class ServerVerificationTest {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void serverOnSqliteKilledAndRestarted_hasNoViolations(@TempDir Path dir) throws Exception {
    RunOptions options = RunOptions.defaults(Duration.ofSeconds(35)).withClients(6)
        .withFaults(EnumSet.of(FaultKind.PROCESS_KILLED))
        .withFaultGaps(Duration.ofSeconds(8), Duration.ofSeconds(12));
    ServerTarget.Config config = ServerTarget.Config.classpath(System.getProperty("java.class.path"),
        "sqlite:" + dir.resolve("verify.db"), Duration.ofSeconds(5), dir);
    RunReport report;
    try (ServerTarget target = new ServerTarget(config)) {
      report = Verification.run(target, options);
    }
    System.out.println(MarkdownReport.render(report, "CI: quire serve on SQLite, SIGKILL", "ServerVerificationTest", "CI"));

    assertThat(report.result().violations()).extracting(Violation::describe).isEmpty();
    assertThat(report.faultCounts()).as("fault kinds injected").isNotEmpty();
    assertThat(report.ops()).filteredOn(op -> op.kind() == OpKind.APPEND && op.outcome() == Outcome.OK)
        .hasSizeGreaterThan(20);
    assertThat(report.tokenReads()).isGreaterThan(20);
  }
}
