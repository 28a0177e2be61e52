package dev.quire.examples.testruns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.examples.SqliteDataSources;
import dev.quire.listener.DomainEvent;
import dev.quire.listener.DomainEventMappers;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadModelStage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener sees every event exactly once across crashes: a child JVM indexing live is killed
 * (SIGKILL) inside an open listener transaction, a second one is killed in the middle of its
 * catch-up, and a final start completes the event log with every event once and a view equal to
 * a replay.
 */
class TestRunsListenerCrashTest {

  private static final long WAIT_SECONDS = 90;

  @TempDir
  Path folder;

  @Test
  @Timeout(300)
  void everyEventIsHandledExactlyOnce_acrossKillsMidBatch() throws Exception {
    // 1. Live: killed while the event log holds its 60th event in an uncommitted transaction.
    Child live = Child.start(folder, "write", 60);
    live.awaitLine("WROTE");
    int handledLive = Integer.parseInt(live.awaitLine("MID_BATCH").split(" ")[1]);
    live.kill();
    int committedLive = eventLogSize();
    assertThat(committedLive).isPositive().isLessThan(handledLive);

    // 2. Catch-up: killed in the middle of its second page (pages of 10 operations).
    Child catchUp = Child.start(folder, "catchup", 15);
    catchUp.awaitLine("MID_BATCH");
    catchUp.kill();
    int committedCatchUp = eventLogSize();
    assertThat(committedCatchUp).isGreaterThan(committedLive);

    // 3. A clean start finishes the job.
    JdbcListenerReadModel[] eventLog = new JdbcListenerReadModel[1];
    try (TestRunsApp app = TestRunsApp.builder(folder)
        .reactor((reactor, store, database) -> {
          eventLog[0] = EventLogListener.readModel(store, events(), new EventLogListener(), 10);
          reactor.readModel(eventLog[0], ReadModelStage.POST_READY);
        })
        .open()) {
      eventLog[0].start().get(WAIT_SECONDS, TimeUnit.SECONDS);

      List<OperationWithContext> history = app.store().getSinceOrdinal(0, 100_000);
      List<String> expected = new ArrayList<>();
      for (DomainEvent<?> event : DomainEventMappers.of(new TestRunEvents()).mapAll(history)) {
        expected.add(event.eventId());
      }
      List<String> logged = new ArrayList<>();
      for (List<Object> row : ViewTablesSnapshot.rows(events(), "SELECT event_id FROM event_log")) {
        logged.add((String) row.get(0));
      }
      assertThat(expected).hasSize(ListenerCrashChild.RUNS * 5 + 5);
      assertThat(logged).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(eventLog[0].status().heldStreams()).isEmpty();
      assertThat(eventLog[0].status().lastError()).isNull();
      assertThat(app.listener().status().lastError()).isNull();
      assertThat(eventLog[0].status().watermark()).isEqualTo(history.get(history.size() - 1).ordinal());

      // The view, killed along with it, matches a replay of the history row by row.
      DataSource fresh = SqliteDataSources.file(folder.resolve("replay.db"));
      try (JdbcListenerReadModel replay = JdbcListenerReadModel.builder("replay", fresh)
          .operationStore(app.store()).mappers(new TestRunEvents()).listener(new TestRunsViewListener()).build()) {
        replay.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ViewTablesSnapshot.of(app.appDatabase())).isEqualTo(ViewTablesSnapshot.of(fresh));
      }
      assertThat(app.view().all()).hasSize(ListenerCrashChild.RUNS - 5);
    } finally {
      if (eventLog[0] != null) {
        eventLog[0].close();
      }
    }
  }

  private DataSource events() {
    return SqliteDataSources.file(folder.resolve("events.db"));
  }

  private int eventLogSize() {
    return ((Number) ViewTablesSnapshot.rows(events(), "SELECT COUNT(*) FROM event_log").get(0).get(0)).intValue();
  }

  /** A child JVM running {@link ListenerCrashChild}, its stdout read line by line. */
  private static final class Child {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path errors;

    private Child(Process process, Path errors) {
      this.process = process;
      this.errors = errors;
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process died; awaitLine reports it
        }
      }, "crash-child-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(Path folder, String mode, int blockAt) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
          "--enable-native-access=ALL-UNNAMED"));
      String logback = System.getProperty("logback.configurationFile");
      if (logback != null) {
        command.add("-Dlogback.configurationFile=" + logback);
      }
      command.addAll(List.of(ListenerCrashChild.class.getName(), folder.toString(), mode, String.valueOf(blockAt)));
      Path errors = folder.resolve("child-" + mode + ".err");
      Process process = new ProcessBuilder(command)
          .redirectError(errors.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      return new Child(process, errors);
    }

    /** The first line starting with {@code prefix}, within the deadline; other lines stay for later calls. */
    String awaitLine(String prefix) throws Exception {
      for (String line : seen) {
        if (line.startsWith(prefix)) {
          seen.remove(line);
          return line;
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("Child did not print " + prefix + " within " + WAIT_SECONDS + " s (alive: "
              + process.isAlive() + "); stderr:\n" + tail(errors));
        }
        if (line.startsWith(prefix)) {
          return line;
        }
        seen.add(line);
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
      assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private static String tail(Path file) {
      try {
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
      } catch (IOException e) {
        return "(no stderr: " + e + ")";
      }
    }
  }
}
