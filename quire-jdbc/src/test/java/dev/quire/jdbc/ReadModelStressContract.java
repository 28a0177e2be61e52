package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.concurrent.NamedThreadFactory;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.index.DocumentIndexer;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads index batches at once (serial per stream, as the coordinator calls): the engine
 * groups them into shared transactions, and every document, tracker entry and the checkpoint end
 * up exactly where serial indexing would put them.
 */
abstract class ReadModelStressContract {

  private static final long WAIT_SECONDS = 30;

  protected abstract QuireDatabase openDatabase();

  @Test
  @Timeout(120)
  void concurrent_batches_index_completely_and_the_checkpoint_reaches_the_last_ordinal() throws Exception {
    int writers = 8;
    int incrementsPerWriter = 40;
    try (Resources resources = new Resources()) {
      QuireDatabase database = resources.add(openDatabase());
      JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
      JdbcDocumentView view = resources.add(new JdbcDocumentView(database, store, CounterModel.registry(),
          new ConsistencyTracker(DocumentView.NAME)));
      JdbcDocumentIndexer indexer = resources.add(new JdbcDocumentIndexer(database, store,
          new ConsistencyTracker(DocumentIndexer.NAME)));
      view.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
      indexer.start().get(WAIT_SECONDS, TimeUnit.SECONDS);

      // Each writer's operations, persisted up front (ordinals interleave across writers).
      List<List<OperationWithContext>> perWriter = new ArrayList<>();
      OperationFixtures ops = new OperationFixtures();
      for (int w = 0; w < writers; w++) {
        perWriter.add(new ArrayList<>(List.of(ops.create("doc-" + w, "slug-" + w),
            ops.addRelationship("doc-" + w, "target-" + w, "child", 1))));
      }
      for (int i = 0; i < incrementsPerWriter; i++) {
        for (int w = 0; w < writers; w++) {
          perWriter.get(w).add(ops.increment("doc-" + w, i, 1, i + 1));
        }
      }
      List<List<OperationWithContext>> stored = new ArrayList<>();
      for (List<OperationWithContext> list : perWriter) {
        stored.add(new ArrayList<>());
      }
      for (int i = 0; i < perWriter.get(0).size(); i++) {
        List<CompletableFuture<List<OperationWithContext>>> round = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          OperationWithContext op = perWriter.get(w).get(i);
          StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
          round.add(store.appendAsync(new WriteBatch("job", List.of(append))));
        }
        for (int w = 0; w < writers; w++) {
          stored.get(w).add(round.get(w).get(WAIT_SECONDS, TimeUnit.SECONDS).get(0)
              .withResultingState(perWriter.get(w).get(i).resultingState()));
        }
      }

      ExecutorService executor = Executors.newFixedThreadPool(writers, NamedThreadFactory.daemon("stress-indexer"));
      try {
        CyclicBarrier barrier = new CyclicBarrier(writers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          List<OperationWithContext> mine = stored.get(w);
          futures.add(executor.submit(() -> {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
            for (int from = 0; from < mine.size(); from += 3) {
              List<OperationWithContext> batch = mine.subList(from, Math.min(mine.size(), from + 3));
              view.indexOperations(batch).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
              indexer.indexOperations(batch).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return null;
          }));
        }
        for (Future<?> future : futures) {
          future.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
        }
      } finally {
        executor.shutdownNow();
      }

      for (int w = 0; w < writers; w++) {
        String doc = "doc-" + w;
        assertThat(view.get(doc, ViewFilter.MAIN, ReadOptions.NONE).get().state(Scopes.GLOBAL).path("count").asLong())
            .isEqualTo(incrementsPerWriter);
        assertThat(view.tracker().getLatest(StreamKey.of(doc, Scopes.GLOBAL, Scopes.MAIN_BRANCH)))
            .isEqualTo(OptionalLong.of(incrementsPerWriter - 1));
        assertThat(indexer.hasRelationship(doc, "target-" + w, null, ReadOptions.NONE).get()).isTrue();
      }
      assertThat(view.checkpoint()).isEqualTo(store.lastOrdinal());
      assertThat(indexer.checkpoint()).isEqualTo(store.lastOrdinal());

      // Most of the indexer's groups changed none of its rows (their progress may wait unwritten on
      // a sole-writer database): once closed, what it stored is what serial indexing would store.
      indexer.close();
      Map<String, Long> expected = new TreeMap<>();
      for (int w = 0; w < writers; w++) {
        expected.put("doc-" + w + ":" + Scopes.DOCUMENT, 1L);
        expected.put("doc-" + w + ":" + Scopes.GLOBAL, incrementsPerWriter - 1L);
      }
      try (Connection c = database.dataSource().getConnection();
          PreparedStatement progress = c.prepareStatement(
              "SELECT document_id, scope, last_index FROM quire_stream_progress WHERE read_model = ?");
          PreparedStatement checkpoint = c.prepareStatement(
              "SELECT last_ordinal FROM quire_read_model_checkpoints WHERE read_model = ?")) {
        progress.setString(1, DocumentIndexer.NAME);
        Map<String, Long> storedProgress = new TreeMap<>();
        try (ResultSet rs = progress.executeQuery()) {
          while (rs.next()) {
            storedProgress.put(rs.getString(1) + ":" + rs.getString(2), rs.getLong(3));
          }
        }
        assertThat(storedProgress).isEqualTo(expected);
        checkpoint.setString(1, DocumentIndexer.NAME);
        try (ResultSet rs = checkpoint.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(store.lastOrdinal());
        }
      }
    }
  }
}
