package dev.quire.examples.testruns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.Reactor;
import dev.quire.consistency.ReadModelFailedException;
import dev.quire.consistency.StreamKey;
import dev.quire.event.QuireEvents;
import dev.quire.event.QuireEvents.ReadModelFailed;
import dev.quire.examples.SqliteDataSources;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.model.Document;
import dev.quire.readmodel.ReadModelStage;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.view.ViewFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class TestRunsListenerRecoveryTest {

  private static final long WAIT_SECONDS = 30;

  @TempDir
  Path folder;

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private JobInfo awaitJob(Reactor reactor, JobInfo job) throws Exception {
    return get(reactor.awaitJob(job.id(), Duration.ofSeconds(WAIT_SECONDS)));
  }

  @Test
  void aListenerDownDuringWrites_catchesUpOnStart() throws Exception {
    try (TestRunsApp app = TestRunsApp.open(folder)) {
      app.createTestRun("run-1", "One");
      app.addResult("run-1", "r1", "login", Outcome.PASSED);
    }
    // The application writes while its listener is not running (a reactor without it).
    JdbcOperationStore store = JdbcOperationStore.open("sqlite:" + folder.resolve("quire.db"),
        DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL));
    try (Reactor reactor = Reactor.builder().operationStore(store).documentModel(new TestRunModel()).build()) {
      List<JobInfo> jobs = new ArrayList<>();
      jobs.add(reactor.create(TestRunModel.create("run-2", "Two")));
      jobs.add(reactor.execute("run-1", null, List.of(
          TestRunModel.addResult("r2", "logout", Outcome.FAILED),
          TestRunModel.updateTestRun(null, TestRunStatus.COMPLETED))));
      jobs.add(reactor.create(TestRunModel.create("run-3", "Three")));
      for (JobInfo job : jobs) {
        assertThat(awaitJob(reactor, job).status()).isEqualTo(JobStatus.READ_READY);
      }
      assertThat(awaitJob(reactor, reactor.delete("run-3", false)).status()).isEqualTo(JobStatus.READ_READY);
    }

    try (TestRunsApp app = TestRunsApp.open(folder)) {
      assertThat(app.view().all()).extracting(TestRunRow::id).containsExactly("run-1", "run-2");
      assertThat(app.view().find("run-1")).hasValueSatisfying(row -> {
        assertThat(row.status()).isEqualTo(TestRunStatus.COMPLETED);
        assertThat(row.totalResults()).isEqualTo(2);
        assertThat(row.passed()).isEqualTo(1);
        assertThat(row.failed()).isEqualTo(1);
      });
      // created run-2, run-3; result; update; deleted run-3: only what it missed
      assertThat(app.listener().status().eventsDelivered()).isEqualTo(5);
    }
  }

  @Test
  void aFailingListenerIsParked_whileTheOtherListenerAndReadyCarryOn_andRetryCompletesTheView() throws Exception {
    BackoffClock clock = new BackoffClock();
    JdbcListenerReadModel[] eventLog = new JdbcListenerReadModel[1];
    try (TestRunsApp app = TestRunsApp.builder(folder)
        .scheduler(clock)
        .reactor((reactor, store, database) -> {
          eventLog[0] = EventLogListener.readModel(store, database, new EventLogListener(), 100);
          reactor.readModel(eventLog[0], ReadModelStage.PRE_READY)
              .retryPolicy(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0));
        })
        .open()) {
      get(eventLog[0].start());
      BlockingQueue<ReadModelFailed> failures = new LinkedBlockingQueue<>();
      app.reactor().events().subscribe(QuireEvents.READ_MODEL_FAILED, failures::add);
      CompletableFuture<Void> ready = new CompletableFuture<>();
      app.createTestRun("run-1", "One");
      app.createTestRun("run-2", "Two");

      // A fault in the view's table: inserting a result named "boom" aborts.
      ViewTablesSnapshot.execute(app.appDatabase(), "CREATE TRIGGER boom BEFORE INSERT ON test_run_results_view "
          + "WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
      JobInfo pending = app.reactor().execute("run-1", null,
          List.of(TestRunModel.addResult("r1", "boom", Outcome.FAILED)));
      app.reactor().events().subscribe(QuireEvents.OPERATIONS_READY, event -> {
        if (event.jobId().equals(pending.id())) {
          ready.complete(null);
        }
      });
      ReadModelFailed first = failures.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(first.readModel()).isEqualTo(TestRunsApp.VIEW);
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(first.parked()).isFalse();
      assertThat(first.error()).hasMessageContaining("injected fault");

      // Meanwhile other streams, the other listener and the built-in read models carry on.
      JobInfo other = app.addResult("run-2", "r1", "fine", Outcome.PASSED);
      assertThat(other.status()).isEqualTo(JobStatus.READ_READY);
      assertThat(app.viewAfter("run-2", other.tokenOrEmpty()))
          .hasValueSatisfying(row -> assertThat(row.totalResults()).isEqualTo(1));
      JobInfo written = app.reactor().job(pending.id()).orElseThrow();
      assertThat(written.consistencyToken()).isPresent();
      get(app.readModels().await(EventLogListener.NAME, written.tokenOrEmpty(), Duration.ofSeconds(WAIT_SECONDS)));
      Document document = get(app.reactor().get("run-1", ViewFilter.MAIN, ReadOptions.after(written.tokenOrEmpty())));
      assertThat(document).isNotNull();

      // Retries wait for the backoff; the third attempt parks the stream for this listener only.
      clock.advanceWhenScheduled(Duration.ofMillis(100));
      assertThat(failures.poll(WAIT_SECONDS, TimeUnit.SECONDS).attempt()).isEqualTo(2);
      clock.advanceWhenScheduled(Duration.ofMillis(200));
      ReadModelFailed parked = failures.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(parked.attempt()).isEqualTo(3);
      assertThat(parked.parked()).isTrue();
      StreamKey stream = StreamKey.of("run-1", "global", "main");
      assertThat(parked.stream()).isEqualTo(stream);
      assertThat(awaitJob(app.reactor(), pending).status()).isEqualTo(JobStatus.READ_FAILED);
      assertThat(app.readModels().status(TestRunsApp.VIEW).parkedStreams())
          .extracting(p -> p.stream()).containsExactly(stream);
      assertThat(app.readModels().status(EventLogListener.NAME).isParked()).isFalse();
      assertThatThrownBy(() -> app.viewAfter("run-1", written.tokenOrEmpty()))
          .isInstanceOf(ReadModelFailedException.class);
      assertThat(ready).isNotDone();

      // Fix the fault, retry: the view completes and the job's READY follows.
      ViewTablesSnapshot.execute(app.appDatabase(), "DROP TRIGGER boom");
      assertThat(get(app.readModels().retry(TestRunsApp.VIEW, stream))).isTrue();

      assertThat(app.viewAfter("run-1", written.tokenOrEmpty())).hasValueSatisfying(row -> {
        assertThat(row.totalResults()).isEqualTo(1);
        assertThat(row.failed()).isEqualTo(1);
      });
      get(ready);
      assertThat(app.readModels().status(TestRunsApp.VIEW).isParked()).isFalse();
    } finally {
      if (eventLog[0] != null) {
        eventLog[0].close();
      }
    }
  }

  @Test
  void rebuild_producesTheSameTablesAsLiveIndexing() throws Exception {
    try (TestRunsApp app = TestRunsApp.open(folder)) {
      writeRandomHistory(app, 4, 3, 12);
      Map<String, List<List<Object>>> live = ViewTablesSnapshot.of(app.appDatabase());
      assertThat(live.get("test_runs_view")).isNotEmpty();
      assertThat(live.get("test_run_results_view")).isNotEmpty();
      assertThat(live.get("test_runs_view_deleted")).isNotEmpty();

      // A copy of the listener on an empty database replays the whole history...
      DataSource fresh = SqliteDataSources.file(folder.resolve("replay.db"));
      try (JdbcListenerReadModel replay = JdbcListenerReadModel.builder("test-runs-replay", fresh)
          .operationStore(app.store())
          .mappers(new TestRunEvents())
          .listener(new TestRunsViewListener())
          .pageSize(7)
          .build()) {
        get(replay.start());
        assertThat(ViewTablesSnapshot.of(fresh)).isEqualTo(live);
      }

      // ...and so does a rebuild of the live one, which then carries on live.
      get(app.readModels().rebuild(TestRunsApp.VIEW));
      assertThat(ViewTablesSnapshot.of(app.appDatabase())).isEqualTo(live);
      String survivor = (String) live.get("test_runs_view").get(0).get(0);
      JobInfo after = app.addResult(survivor, "after-rebuild", "late", Outcome.SKIPPED);
      assertThat(app.viewAfter(survivor, after.tokenOrEmpty()))
          .hasValueSatisfying(row -> assertThat(row.skipped()).isPositive());
    }
  }

  /** Writers in parallel, each on its own runs: creates, updates, results, and some deletes. */
  static void writeRandomHistory(TestRunsApp app, int writers, int runsPerWriter, int stepsPerRun) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          Random random = new Random(writer);
          for (int r = 0; r < runsPerWriter; r++) {
            String id = "run-" + writer + "-" + r;
            app.createTestRun(id, "Run " + writer + "/" + r);
            List<String> results = new ArrayList<>();
            for (int step = 0; step < stepsPerRun; step++) {
              Outcome outcome = Outcome.values()[random.nextInt(3)];
              int choice = random.nextInt(10);
              if (choice < 5 || results.isEmpty()) {
                String resultId = "r" + step;
                results.add(resultId);
                app.addResult(id, resultId, "case " + step, outcome);
              } else if (choice < 7) {
                app.updateResult(id, results.get(random.nextInt(results.size())), null, outcome);
              } else if (choice < 8) {
                app.deleteResult(id, results.remove(random.nextInt(results.size())));
              } else {
                TestRunStatus status = TestRunStatus.values()[random.nextInt(4)];
                app.execute(id, TestRunModel.updateTestRun(random.nextBoolean() ? "Renamed " + step : null, status));
              }
            }
            if (r == 0) {
              app.deleteTestRun(id);
            }
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

}
