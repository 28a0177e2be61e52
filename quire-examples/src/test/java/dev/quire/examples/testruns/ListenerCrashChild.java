package dev.quire.examples.testruns;

import dev.quire.examples.SqliteDataSources;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.readmodel.ReadModelStage;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link TestRunsListenerCrashTest}: runs the test-runs app plus the {@link
 * EventLogListener}, which stops inside its open transaction when it reaches its {@code blockAt}-th
 * event and says so on stdout ({@code MID_BATCH <n>}); the parent then kills the process.
 *
 * <p>Arguments: {@code <folder> write|catchup <blockAt>}. {@code write} writes a history (and prints
 * {@code WROTE <jobs>}) while the event log indexes it live; {@code catchup} only starts, so the
 * event log replays what it missed.
 */
public final class ListenerCrashChild {

  static final int RUNS = 30;

  private ListenerCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    String mode = args[1];
    int blockAt = Integer.parseInt(args[2]);
    EventLogListener log = new EventLogListener(handled -> {
      if (handled == blockAt) {
        System.out.println("MID_BATCH " + handled);
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGKILL
      }
    });
    JdbcListenerReadModel[] eventLog = new JdbcListenerReadModel[1];
    TestRunsApp app = TestRunsApp.builder(folder)
        .reactor((reactor, store, database) -> {
          // Its own file: on SQLite a transaction left open holds the whole file's write lock.
          eventLog[0] = EventLogListener.readModel(store, SqliteDataSources.file(folder.resolve("events.db")), log, 10);
          reactor.readModel(eventLog[0], ReadModelStage.POST_READY);
        })
        .open();
    eventLog[0].start();
    if (mode.equals("write")) {
      int jobs = writeHistory(app);
      System.out.println("WROTE " + jobs);
      System.out.flush();
    }
    new CountDownLatch(1).await(); // until SIGKILL
  }

  /** Per run: created, three results in one job (a batch of three events), updated; every sixth deleted. */
  static int writeHistory(TestRunsApp app) {
    int jobs = 0;
    for (int i = 0; i < RUNS; i++) {
      String id = "run-" + i;
      app.createTestRun(id, "Run " + i);
      app.execute(id,
          TestRunModel.addResult("a", "first", Outcome.PASSED),
          TestRunModel.addResult("b", "second", Outcome.FAILED),
          TestRunModel.addResult("c", "third", Outcome.SKIPPED));
      app.updateTestRun(id, null, TestRunStatus.COMPLETED);
      jobs += 3;
      if (i % 6 == 0) {
        app.deleteTestRun(id);
        jobs++;
      }
    }
    return jobs;
  }
}
