package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Document;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On SQLite the view answers from the rows it remembers; those answers must equal the stored rows'. */
class SqliteViewMemoryTest {

  @TempDir Path dir;
  private final Resources resources = new Resources();
  private final OperationFixtures ops = new OperationFixtures();

  private QuireDatabase database;
  private JdbcOperationStore store;
  private JdbcDocumentView view;

  @BeforeEach
  void open() throws Exception {
    database = resources.add(QuireDatabase.open(Databases.sqliteUrl(dir)));
    store = resources.add(new JdbcOperationStore(database));
    view = startedView(database, store);
  }

  @AfterEach
  void close() {
    resources.close();
  }

  @Test
  void a_remembered_document_reads_exactly_as_the_stored_one() throws Exception {
    index(store, view, ops.create("doc-1", "one"));
    // A reducer's state may hold a LongNode; its stored JSON reads back as an IntNode.
    index(store, view, ops.increment("doc-1", 0, 5, 5).withResultingState(Json.object().put("count", 5L)));

    read(view); // learns that nobody holds "doc-1" as a slug: the next read needs no query
    Document remembered = read(view);
    JdbcDocumentView fresh = startedView(database, store);
    Document stored = read(fresh);

    assertThat(remembered).isEqualTo(stored);
    assertThat(remembered.state()).isEqualTo(stored.state());
  }

  @Test
  void a_large_batch_is_not_remembered_and_leaves_nothing_stale() throws Exception {
    index(store, view, ops.create("doc-1", "one"));
    index(store, view, ops.increment("doc-1", 0, 1, 1));
    read(view);
    assertThat(read(view).state(Scopes.GLOBAL).path("count").asLong()).isEqualTo(1);

    // One group touching more rows than the memory keeps for a commit (a catch-up page, say).
    List<OperationWithContext> page = new ArrayList<>();
    page.add(ops.increment("doc-1", 1, 1, 2));
    for (int i = 0; i < DatabaseConfig.DEFAULT_REMEMBERED_ROWS / 10 + 1; i++) {
      page.add(ops.create("bulk-" + i, null));
    }
    indexAll(store, view, page);

    assertThat(read(view).state(Scopes.GLOBAL).path("count").asLong()).isEqualTo(2);
  }

  @Test
  void reads_come_from_the_remembered_rows_unless_none_are_remembered() throws Exception {
    // A row changed behind the view's back shows which one answered: its memory or the tables.
    assertThat(countAfterEditBehindTheView(database, store, view)).isEqualTo(1);

    Path other = Files.createDirectories(dir.resolve("none"));
    QuireDatabase forgetful = resources.add(
        QuireDatabase.open(Databases.sqliteUrl(other), DatabaseConfig.DEFAULTS.withRememberedRows(0)));
    JdbcOperationStore forgetfulStore = resources.add(new JdbcOperationStore(forgetful));
    assertThat(countAfterEditBehindTheView(forgetful, forgetfulStore, startedView(forgetful, forgetfulStore)))
        .isEqualTo(99);
    assertThatThrownBy(() -> DatabaseConfig.DEFAULTS.withRememberedRows(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rememberedRows");
  }

  private long countAfterEditBehindTheView(QuireDatabase database, JdbcOperationStore store, JdbcDocumentView view)
      throws Exception {
    index(store, view, ops.create("doc-1", "one"));
    index(store, view, ops.increment("doc-1", 0, 1, 1));
    read(view);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE quire_snapshots SET content = '{\"count\":99}' WHERE document_id = 'doc-1'");
    }
    return read(view).state(Scopes.GLOBAL).path("count").asLong();
  }

  private JdbcDocumentView startedView(QuireDatabase database, JdbcOperationStore store) throws Exception {
    JdbcDocumentView view = resources.add(new JdbcDocumentView(database, store, CounterModel.registry(),
        new ConsistencyTracker(DocumentView.NAME)));
    view.start().get(30, TimeUnit.SECONDS);
    return view;
  }

  private static Document read(JdbcDocumentView view) throws Exception {
    return view.getByIdOrSlug("doc-1", ViewFilter.MAIN, ReadOptions.NONE).get(30, TimeUnit.SECONDS);
  }

  private static void indexAll(JdbcOperationStore store, JdbcDocumentView view, List<OperationWithContext> ops)
      throws Exception {
    List<OperationWithContext> stored = new ArrayList<>();
    for (OperationWithContext op : ops) {
      StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
      stored.add(store.append(new WriteBatch("bulk-" + stored.size(), List.of(append))).get(0)
          .withResultingState(op.resultingState()));
    }
    view.indexOperations(stored).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void index(JdbcOperationStore store, JdbcDocumentView view, OperationWithContext op) throws Exception {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
    OperationWithContext stored =
        store.append(new WriteBatch("job-" + op.operation().index(), List.of(append))).get(0)
            .withResultingState(op.resultingState());
    view.indexOperations(List.of(stored)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
