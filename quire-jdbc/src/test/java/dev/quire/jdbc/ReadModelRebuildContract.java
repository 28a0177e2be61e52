package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyTracker;
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
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rebuilding the view and the indexer from the store into fresh tables, swapped in when caught up. */
@Timeout(60)
abstract class ReadModelRebuildContract {

  private static final long WAIT_SECONDS = 30;

  protected abstract QuireDatabase openDatabase();

  private final Resources resources = new Resources();
  private final OperationFixtures ops = new OperationFixtures();
  private QuireDatabase database;
  private JdbcOperationStore store;
  private JdbcDocumentView view;
  private JdbcDocumentIndexer indexer;

  @BeforeEach
  void open() throws Exception {
    database = resources.add(openDatabase());
    store = resources.add(new JdbcOperationStore(database));
    view = resources.add(new JdbcDocumentView(database, store, CounterModel.registry(),
        new ConsistencyTracker(DocumentView.NAME)));
    indexer = resources.add(new JdbcDocumentIndexer(database, store, new ConsistencyTracker(DocumentIndexer.NAME)));
    view.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
    indexer.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    resources.close();
  }

  private void writeAndIndex(OperationWithContext op) throws Exception {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
    OperationWithContext stored =
        store.append(new WriteBatch("job", List.of(append))).get(0).withResultingState(op.resultingState());
    view.indexOperations(List.of(stored)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    indexer.indexOperations(List.of(stored)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private long count(String doc) throws Exception {
    return view.get(doc, ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS)
        .state(Scopes.GLOBAL).path("count").asLong();
  }

  @Test
  void a_rebuild_restores_lost_rows_from_the_store_and_can_run_again() throws Exception {
    writeAndIndex(ops.create("doc-1", "one"));
    writeAndIndex(ops.addRelationship("doc-1", "doc-2", "child", 1));
    for (int i = 0; i < 5; i++) {
      writeAndIndex(ops.increment("doc-1", i, 2, 2L * (i + 1)));
    }
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM quire_snapshots");
      s.execute("DELETE FROM quire_relationships");
    }

    view.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);
    indexer.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(count("doc-1")).isEqualTo(10);
    assertThat(indexer.hasRelationship("doc-1", "doc-2", null, ReadOptions.NONE).get()).isTrue();
    assertThat(view.checkpoint()).isEqualTo(store.lastOrdinal());

    writeAndIndex(ops.increment("doc-1", 5, 1, 11));
    view.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);
    indexer.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(count("doc-1")).isEqualTo(11);
    assertThat(view.get("doc-1", ViewFilter.MAIN, ReadOptions.NONE).get().header().slug()).isEqualTo("one");
    assertThat(indexer.hasRelationship("doc-1", "doc-2", null, ReadOptions.NONE).get()).isTrue();
  }

  @Test
  void reads_after_a_rebuild_see_the_rebuilt_rows_not_the_ones_indexed_before() throws Exception {
    writeAndIndex(ops.create("doc-1", null));
    // Indexed with a resulting state the reducer does not produce (a model bug since fixed, say): the
    // view takes it as given, a rebuild reduces the stored action again. On SQLite the view also
    // remembers the rows it committed; the swap must make it forget them.
    writeAndIndex(ops.increment("doc-1", 0, 2, 999));
    assertThat(count("doc-1")).isEqualTo(999);

    view.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(count("doc-1")).isEqualTo(2);
    writeAndIndex(ops.increment("doc-1", 1, 3, 5));
    assertThat(count("doc-1")).isEqualTo(5);
  }

  @Test
  void writes_indexed_while_a_rebuild_runs_are_in_the_rebuilt_tables() throws Exception {
    writeAndIndex(ops.create("doc-1", null));
    for (int i = 0; i < 20; i++) {
      writeAndIndex(ops.increment("doc-1", i, 1, i + 1));
    }

    CompletableFuture<Void> rebuild = view.rebuild();
    for (int i = 20; i < 60; i++) {
      writeAndIndex(ops.increment("doc-1", i, 1, i + 1));
    }
    rebuild.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(count("doc-1")).isEqualTo(60);
    assertThat(view.get("doc-1", ViewFilter.MAIN, ReadOptions.NONE).get().header().revision())
        .containsEntry(Scopes.GLOBAL, 60L);
    writeAndIndex(ops.increment("doc-1", 60, 1, 61));
    assertThat(count("doc-1")).isEqualTo(61);
  }
}
