package dev.quire.verify.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.verify.check.Violation;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.target.EmbeddedTarget;
import dev.quire.verify.target.ItemsReadModel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An append that commits but whose answer is lost (a connection dropped during commit) must not
 * become a FAILED job whose operations are in the store anyway, nor leave the read models without
 * those operations. It used to: the retry re-applied the actions after the committed ones and hit
 * DuplicateOperationException (docs/verification.md, "Finding: an append whose answer is lost").
 * The executor now recognises its own operations at the stream heads and finishes the job as written.
 */
class AmbiguousAppendTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anAppendWhoseAnswerIsLost_isNeitherFailedNorUnindexed() {
    RunOptions options = RunOptions.defaults(Duration.ofSeconds(10)).withClients(4)
        .withFaults(EnumSet.of(FaultKind.STORE_ACK_LOST)).withFaultGaps(Duration.ofMillis(500), Duration.ofSeconds(1));
    RunReport report;
    try (EmbeddedTarget target = new EmbeddedTarget(new EmbeddedTarget.Config(EmbeddedTarget.Storage.MEMORY, null,
        Duration.ofSeconds(3), ItemsReadModel.Mode.CORRECT))) {
      report = Verification.run(target, options);
    }

    assertThat(report.result().violations()).extracting(Violation::describe).isEmpty();
  }
}
