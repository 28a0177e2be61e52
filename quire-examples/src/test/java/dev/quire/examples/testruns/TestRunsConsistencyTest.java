package dev.quire.examples.testruns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.job.JobInfo;
import dev.quire.readmodel.ReadModelStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading test_runs_view with a write's token always shows the write, also when the listener is
 * post-ready (jobs are READ_READY before it has indexed them) and writers run in parallel.
 */
class TestRunsConsistencyTest {

  private static final int WRITERS = 4;
  private static final int ROUNDS = 15;

  @TempDir
  Path folder;

  @Test
  @Timeout(120)
  void readingTheViewWithATokenAlwaysShowsTheWrite() throws Exception {
    try (TestRunsApp app = TestRunsApp.builder(folder).stage(ReadModelStage.POST_READY).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      CyclicBarrier start = new CyclicBarrier(WRITERS);
      List<Future<Integer>> checks = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        String id = "run-" + w;
        checks.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          int checked = 0;
          JobInfo created = app.createTestRun(id, "title 0");
          assertThat(app.viewAfter(id, created.tokenOrEmpty()))
              .hasValueSatisfying(row -> assertThat(row.title()).isEqualTo("title 0"));
          for (int round = 1; round <= ROUNDS; round++) {
            String title = "title " + round;
            JobInfo updated = app.updateTestRun(id, title, null);
            JobInfo added = app.addResult(id, "r" + round, "case " + round, Outcome.PASSED);
            int expected = round;
            assertThat(app.viewAfter(id, updated.tokenOrEmpty().merge(added.tokenOrEmpty())))
                .hasValueSatisfying(row -> {
                  assertThat(row.title()).isEqualTo(title);
                  assertThat(row.totalResults()).isEqualTo(expected);
                });
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> check : checks) {
        assertThat(check.get(100, TimeUnit.SECONDS)).isEqualTo(ROUNDS);
      }
      pool.shutdown();
      assertThat(app.listener().status().lastError()).isNull();
    }
  }
}
