package dev.quire.examples.testruns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.job.JobInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's manual test list, automated against the example. */
@Timeout(60)
class TestRunsViewListenerTest {

  @TempDir
  Path folder;

  @Test
  void seedManualTest_createUpdateDeleteATestRun_theViewFollows() {
    try (TestRunsApp app = TestRunsApp.open(folder)) {
      // 1-2. Create a test run; the view has it.
      JobInfo created = app.createTestRun("run-1", "Nightly regression");
      TestRunRow first = app.viewAfter("run-1", created.tokenOrEmpty()).orElseThrow();
      assertThat(app.viewAfter("run-1", created.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.title()).isEqualTo("Nightly regression");
        assertThat(row.status()).isEqualTo(TestRunStatus.PLANNED);
        assertThat(row.totalResults()).isZero();
      });

      // 3-4. Update it; the view is updated again.
      JobInfo updated = app.updateTestRun("run-1", "Nightly regression #2", TestRunStatus.RUNNING);
      assertThat(app.viewAfter("run-1", updated.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.title()).isEqualTo("Nightly regression #2");
        assertThat(row.status()).isEqualTo(TestRunStatus.RUNNING);
      });

      // The result events update the parent run's row.
      app.addResult("run-1", "r1", "login works", Outcome.PASSED);
      app.addResult("run-1", "r2", "logout works", Outcome.FAILED);
      JobInfo third = app.addResult("run-1", "r3", "export works", Outcome.SKIPPED);
      assertThat(app.viewAfter("run-1", third.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.totalResults()).isEqualTo(3);
        assertThat(row.passed()).isEqualTo(1);
        assertThat(row.failed()).isEqualTo(1);
        assertThat(row.skipped()).isEqualTo(1);
      });
      JobInfo fixed = app.updateResult("run-1", "r2", null, Outcome.PASSED);
      assertThat(app.viewAfter("run-1", fixed.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.passed()).isEqualTo(2);
        assertThat(row.failed()).isZero();
      });
      JobInfo removed = app.deleteResult("run-1", "r3");
      assertThat(app.viewAfter("run-1", removed.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.totalResults()).isEqualTo(2);
        assertThat(row.skipped()).isZero();
        assertThat(row.updatedAt()).isAfterOrEqualTo(first.updatedAt());
      });
      JobInfo finished = app.updateTestRun("run-1", null, TestRunStatus.COMPLETED);
      assertThat(app.viewAfter("run-1", finished.tokenOrEmpty()))
          .hasValueSatisfying(row -> assertThat(row.title()).isEqualTo("Nightly regression #2"));

      // 5-6. Delete it; the view row is gone.
      JobInfo deleted = app.deleteTestRun("run-1");
      assertThat(app.viewAfter("run-1", deleted.tokenOrEmpty())).isEmpty();
      assertThat(app.view().all()).isEmpty();
    }
  }

  @Test
  void otherRunsAreUntouched_andTheViewSurvivesARestart() {
    try (TestRunsApp app = TestRunsApp.open(folder)) {
      app.createTestRun("run-a", "A");
      app.createTestRun("run-b", "B");
      app.addResult("run-b", "r1", "one", Outcome.PASSED);
      app.deleteTestRun("run-a");
    }
    try (TestRunsApp app = TestRunsApp.open(folder)) {
      assertThat(app.view().all()).singleElement().satisfies(row -> {
        assertThat(row.id()).isEqualTo("run-b");
        assertThat(row.passed()).isEqualTo(1);
      });
      assertThat(app.listener().status().eventsDelivered()).isZero();
    }
  }
}
