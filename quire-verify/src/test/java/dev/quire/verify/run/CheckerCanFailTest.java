package dev.quire.verify.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.verify.check.Invariant;
import dev.quire.verify.check.Violation;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.target.EmbeddedTarget;
import dev.quire.verify.target.ItemsReadModel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness against deliberately broken read models: a checker that passes these would prove
 * nothing, so each bug must surface as violations, with the history excerpt that shows it.
 */
class CheckerCanFailTest {

  private static RunReport run(ItemsReadModel.Mode mode, Duration duration, EmbeddedTarget[] holder) {
    RunOptions options = RunOptions.defaults(duration).withClients(6).withThinkTime(Duration.ZERO)
        .withFaults(EnumSet.noneOf(FaultKind.class));
    try (EmbeddedTarget target = new EmbeddedTarget(new EmbeddedTarget.Config(EmbeddedTarget.Storage.MEMORY, null,
        Duration.ofSeconds(3), mode))) {
      holder[0] = target;
      return Verification.run(target, options);
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aReadModelThatUpdatesItsTrackerBeforeItsCommit_isCaughtByTokenReads() {
    RunReport report = run(ItemsReadModel.Mode.TRACKER_BEFORE_COMMIT, Duration.ofSeconds(6), new EmbeddedTarget[1]);

    assertThat(report.passed()).isFalse();
    assertThat(report.result().of(Invariant.TOKEN_READS_REFLECT_WRITES).violations())
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v.ops().get(0).kind()).isEqualTo(OpKind.READ_ITEMS))
        .anySatisfy(v -> {
          assertThat(v.message()).contains("its token covers");
          assertThat(v.ops()).extracting(op -> op.kind()).contains(OpKind.APPEND); // the write it missed
        });
    // The document view is correct: nothing is blamed on it.
    assertThat(report.result().violations()).extracting(Violation::ops)
        .allSatisfy(ops -> assertThat(ops.get(0).kind()).isNotEqualTo(OpKind.READ_DOC));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aReadModelThatDropsOneOperationInAThousand_isCaught() {
    EmbeddedTarget[] target = new EmbeddedTarget[1];
    RunReport report = run(ItemsReadModel.Mode.DROP_ONE_IN_A_THOUSAND, Duration.ofSeconds(5), target);

    assertThat(target[0].sideModel().dropped()).as("operations dropped on purpose").isPositive();
    assertThat(report.passed()).isFalse();
    // One violation per document that lost an operation: two drops can hit one document, and a
    // document deleted later no longer shows its drop, so at most one per drop.
    assertThat(report.result().of(Invariant.SIDE_MODEL_MATCHES_STORE).violations())
        .hasSizeBetween(1, (int) target[0].sideModel().dropped())
        .allSatisfy(v -> assertThat(v.message()).contains("missing"));
  }
}
