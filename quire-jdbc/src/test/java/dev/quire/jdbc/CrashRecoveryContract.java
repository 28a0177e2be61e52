package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.model.Document;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM ({@link CrashChild}) with SIGKILL at random moments: every append it
 * acknowledged must be in the store after the restart, and the read models must catch up to the
 * store. A subclass names the database ({@link #url}); it must be empty when the test starts.
 */
abstract class CrashRecoveryContract {

  private static final int WRITERS = 4;
  private static final int RUNS = 4;
  private static final long WAIT_SECONDS = 30;

  @TempDir Path dir;

  /** The database the child writes to; {@code dir} is this test's temporary folder. */
  protected abstract String url(Path dir);

  @Test
  @Timeout(120)
  void acknowledged_appends_survive_sigkill_and_read_models_catch_up() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String url = url(dir);
    Map<String, Long> acknowledged = new HashMap<>();
    for (int run = 0; run < RUNS; run++) {
      int killAfter = 5 + random.nextInt(120);
      List<String[]> acks = runAndKill(url, killAfter);
      for (String[] ack : acks) {
        acknowledged.merge(ack[1] + ":" + ack[2], Long.parseLong(ack[3]), Math::max);
      }
      assertThat(acks).as("acks in run %d (seed %d)", run, seed).isNotEmpty();
      verify(url, acknowledged, "run " + run + ", seed " + seed);
    }
  }

  /** Starts the child, waits for {@code killAfter} acknowledgements, kills it; returns every ack it printed. */
  private List<String[]> runAndKill(String url, int killAfter) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), url, Integer.toString(WRITERS));
    builder.redirectError(dir.resolve("child-stderr.log").toFile());
    Process child = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // the child died; everything it printed before has been read
      } finally {
        lines.add("EOF");
      }
    }, "crash-child-reader");
    reader.start();
    List<String[]> acks = new ArrayList<>();
    try {
      while (acks.size() < killAfter) {
        String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (line == null || line.equals("EOF")) {
          throw new AssertionError("child stopped early; see " + dir.resolve("child-stderr.log"));
        }
        if (line.startsWith(CrashChild.ACK)) {
          acks.add(line.split(" "));
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
    reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    for (String line : lines) {
      if (line.startsWith(CrashChild.ACK)) {
        acks.add(line.split(" "));
      }
    }
    return acks;
  }

  private void verify(String url, Map<String, Long> acknowledged, String context) throws Exception {
    try (QuireDatabase database = QuireDatabase.open(url);
        JdbcOperationStore store = new JdbcOperationStore(database);
        JdbcDocumentView view = new JdbcDocumentView(database, store, CounterModel.registry(),
            new ConsistencyTracker(DocumentView.NAME));
        JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store,
            new ConsistencyTracker(DocumentIndexer.NAME))) {
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        String[] key = ack.getKey().split(":");
        Long next = store.getRevisions(key[0], Scopes.MAIN_BRANCH).get(key[1]);
        assertThat(next).as("%s: %s acknowledged index %d (%s)", key[0], key[1], ack.getValue(), context)
            .isNotNull()
            .isGreaterThan(ack.getValue());
      }
      view.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
      indexer.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(view.checkpoint()).as(context).isEqualTo(store.lastOrdinal());
      assertThat(indexer.checkpoint()).as(context).isEqualTo(store.lastOrdinal());
      for (int w = 0; w < WRITERS; w++) {
        String doc = "doc-" + w;
        Map<String, Long> revisions = store.getRevisions(doc, Scopes.MAIN_BRANCH);
        if (revisions.isEmpty()) {
          continue;
        }
        Document document = view.get(doc, ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS);
        long increments = revisions.getOrDefault(Scopes.GLOBAL, 0L);
        assertThat(document.header().revision()).as(context).containsAllEntriesOf(revisions);
        assertThat(document.state(Scopes.GLOBAL).path("count").asLong()).as(context).isEqualTo(increments);
        if (revisions.get(Scopes.DOCUMENT) > 1) {
          assertThat(indexer.hasRelationship(doc, "target-" + doc, null, ReadOptions.NONE).get()).as(context).isTrue();
        }
      }
    }
  }
}
