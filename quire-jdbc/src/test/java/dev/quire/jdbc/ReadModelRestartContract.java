package dev.quire.jdbc;

import static dev.quire.readmodel.fixture.OperationFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.index.DocumentIndexer;
import dev.quire.model.Document;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Durable read models across restarts: the tracker is seeded from stored progress, catch-up reads
 * what was written while the read model was down, and the checkpoint never passes an operation
 * that was not indexed.
 */
@Timeout(60)
abstract class ReadModelRestartContract {

  private static final long WAIT_SECONDS = 10;

  /** Opens (another pool on) the test's database; the same data every call within a test. */
  protected abstract QuireDatabase openDatabase();

  private final Resources resources = new Resources();
  private final OperationFixtures ops = new OperationFixtures();
  private Process process;

  /** One "process": a pool, a store and the two read models. */
  private record Process(
      QuireDatabase database, JdbcOperationStore store, JdbcDocumentView view, JdbcDocumentIndexer indexer,
      Resources resources) implements AutoCloseable {
    @Override
    public void close() {
      resources.close();
    }
  }

  @BeforeEach
  void startFirstProcess() throws Exception {
    process = startProcess();
    process.view().start().get(WAIT_SECONDS, TimeUnit.SECONDS);
    process.indexer().start().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    resources.close();
  }

  private Process startProcess() {
    Resources own = new Resources();
    QuireDatabase database = own.add(openDatabase());
    JdbcOperationStore store = own.add(new JdbcOperationStore(database));
    JdbcDocumentView view = own.add(new JdbcDocumentView(
        database, store, CounterModel.registry(), new ConsistencyTracker(DocumentView.NAME)));
    JdbcDocumentIndexer indexer = own.add(new JdbcDocumentIndexer(
        database, store, new ConsistencyTracker(DocumentIndexer.NAME)));
    return resources.add(new Process(database, store, view, indexer, own));
  }

  private Process restart() throws Exception {
    process.close();
    process = startProcess();
    process.view().start().get(WAIT_SECONDS, TimeUnit.SECONDS);
    process.indexer().start().get(WAIT_SECONDS, TimeUnit.SECONDS);
    return process;
  }

  /** Appends each operation to the store; returns them with their ordinals and resulting states. */
  private List<OperationWithContext> persist(OperationWithContext... operations) {
    List<OperationWithContext> stored = new ArrayList<>();
    for (OperationWithContext op : operations) {
      StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
      OperationWithContext written = process.store().append(new WriteBatch("job-" + op.operation().id(), List.of(append))).get(0);
      stored.add(written.withResultingState(op.resultingState()));
    }
    return stored;
  }

  private void indexLive(List<OperationWithContext> batch) throws Exception {
    process.view().indexOperations(batch).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    process.indexer().indexOperations(batch).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void a_token_issued_before_a_restart_is_satisfied_after_it_without_a_new_write() throws Exception {
    List<OperationWithContext> written = persist(ops.create("doc-1", "one"), ops.increment("doc-1", 0, 5, 5),
        ops.addRelationship("doc-1", "doc-2", "child", 1));
    indexLive(written);
    ConsistencyToken token = token(written.toArray(OperationWithContext[]::new));

    restart();

    CompletableFuture<Document> read = process.view().get("doc-1", ViewFilter.MAIN, ReadOptions.after(token, Duration.ofMillis(1)));
    assertThat(read).isCompleted();
    assertThat(read.get().state(Scopes.GLOBAL).path("count").asLong()).isEqualTo(5);
    assertThat(process.indexer().hasRelationship("doc-1", "doc-2", null, ReadOptions.after(token, Duration.ofMillis(1))))
        .isCompletedWithValue(true);
    assertThat(process.view().tracker().getLatest(written.get(1).key())).isEqualTo(OptionalLong.of(0));
  }

  @Test
  void the_view_keeps_its_progress_in_its_snapshots_and_a_restart_seeds_the_tracker_from_them() throws Exception {
    List<OperationWithContext> written = persist(ops.create("doc-1", null), ops.increment("doc-1", 0, 2, 2));
    indexLive(written);
    StreamKey untouched = StreamKey.of("doc-1", Scopes.LOCAL, Scopes.MAIN_BRANCH);

    restart();

    assertThat(storedProgress(process.database(), DocumentView.NAME)).isEmpty();
    assertThat(snapshotIndex(process.database(), untouched)).as("the model's initial state, no operation")
        .isEqualTo(-1);
    ConsistencyTracker tracker = process.view().tracker();
    assertThat(tracker.getLatest(written.get(0).key())).isEqualTo(OptionalLong.of(0));
    assertThat(tracker.getLatest(written.get(1).key())).isEqualTo(OptionalLong.of(0));
    assertThat(tracker.getLatest(untouched)).isEmpty();
  }

  @Test
  void a_token_on_a_document_whose_id_holds_a_control_character_is_satisfied_after_a_restart() throws Exception {
    // Operation reads pack short text columns with U+001F on SQLite; such an id takes the column-by-column path.
    List<OperationWithContext> written = persist(ops.create("doc\u001fodd", null), ops.create("doc-plain", null));
    indexLive(written);
    ConsistencyToken token = token(written.toArray(OperationWithContext[]::new));

    restart();

    for (String id : List.of("doc\u001fodd", "doc-plain")) {
      CompletableFuture<Document> read = process.view().get(id, ViewFilter.MAIN, ReadOptions.after(token, Duration.ofMillis(1)));
      assertThat(read).as(id).isCompleted();
      assertThat(read.get().id()).isEqualTo(id);
    }
  }

  @Test
  void catch_up_indexes_what_was_written_while_the_read_models_were_down() throws Exception {
    indexLive(persist(ops.create("doc-1", "one")));
    persist(ops.incrementFromStore("doc-1", 0, 2), ops.incrementFromStore("doc-1", 1, 3),
        ops.addRelationship("doc-1", "doc-2", "child", 1), ops.create("doc-2", "two"));
    long last = process.store().lastOrdinal();

    restart();

    Document doc = process.view().get("doc-1", ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(doc.state(Scopes.GLOBAL).path("count").asLong()).isEqualTo(5);
    assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 2L).containsEntry(Scopes.DOCUMENT, 2L);
    assertThat(process.view().get("doc-2", ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS).header().slug())
        .isEqualTo("two");
    assertThat(process.indexer().hasRelationship("doc-1", "doc-2", null, ReadOptions.NONE).get()).isTrue();
    assertThat(process.view().checkpoint()).isEqualTo(last);
    assertThat(process.indexer().checkpoint()).isEqualTo(last);
  }

  @Test
  void the_checkpoint_never_passes_an_operation_indexed_late_and_a_crash_before_it_is_repaired_by_catch_up()
      throws Exception {
    List<OperationWithContext> written =
        persist(ops.create("doc-a", null), ops.create("doc-b", "b"), ops.create("doc-c", null));

    indexLive(List.of(written.get(0)));
    indexLive(List.of(written.get(2)));
    assertThat(process.view().checkpoint()).isEqualTo(written.get(0).ordinal());

    restart(); // as if the process died before doc-b's batch committed

    assertThat(process.view().get("doc-b", ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS).header().slug())
        .isEqualTo("b");
    assertThat(process.view().checkpoint()).isEqualTo(written.get(2).ordinal());
  }

  @Test
  void the_checkpoint_advances_over_batches_committed_out_of_ordinal_order() throws Exception {
    List<OperationWithContext> written =
        persist(ops.create("doc-a", null), ops.create("doc-b", null), ops.create("doc-c", null));

    indexLive(List.of(written.get(0)));
    indexLive(List.of(written.get(2)));
    indexLive(List.of(written.get(1)));

    assertThat(process.view().checkpoint()).isEqualTo(written.get(2).ordinal());
    assertThat(process.indexer().checkpoint()).isEqualTo(written.get(2).ordinal());
  }

  @Test
  void progress_of_operations_that_change_no_indexer_rows_is_stored_at_the_latest_on_close() throws Exception {
    // The indexer keeps no rows for these; on a sole-writer database their progress may wait unwritten.
    List<OperationWithContext> written =
        persist(ops.create("doc-1", null), ops.increment("doc-1", 0, 2, 2), ops.create("doc-2", null));
    indexLive(written);
    assertThat(process.indexer().checkpoint()).isEqualTo(written.get(2).ordinal());

    process.close();

    try (QuireDatabase database = openDatabase()) {
      assertThat(storedCheckpoint(database, DocumentIndexer.NAME)).isEqualTo(written.get(2).ordinal());
      assertThat(storedProgress(database, DocumentIndexer.NAME))
          .containsExactlyInAnyOrder("doc-1:document:main=0", "doc-1:global:main=0", "doc-2:document:main=0");
    }
  }

  @Test
  void progress_of_operations_that_change_no_indexer_rows_is_stored_without_a_close_or_another_group()
      throws Exception {
    List<OperationWithContext> written = persist(ops.create("doc-1", null), ops.increment("doc-1", 0, 2, 2));
    indexLive(written);

    // Written by the engine's own timer (ReadModelEngine.UNWRITTEN_PROGRESS_MILLIS): wait for it, with a deadline.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (storedCheckpoint(process.database(), DocumentIndexer.NAME) < written.get(1).ordinal()
        && System.nanoTime() < deadline) {
      Thread.sleep(ReadModelEngine.UNWRITTEN_PROGRESS_MILLIS / 5);
    }
    assertThat(storedCheckpoint(process.database(), DocumentIndexer.NAME)).isEqualTo(written.get(1).ordinal());
    assertThat(storedProgress(process.database(), DocumentIndexer.NAME))
        .containsExactlyInAnyOrder("doc-1:document:main=0", "doc-1:global:main=0");
  }

  @Test
  void unwritten_progress_goes_with_the_next_group_that_changes_rows() throws Exception {
    List<OperationWithContext> rowless = persist(ops.create("doc-1", null), ops.increment("doc-1", 0, 2, 2));
    indexLive(rowless);
    List<OperationWithContext> edge = persist(ops.addRelationship("doc-1", "doc-2", "child", 1));

    indexLive(edge);

    // Stored without a close: the edge's transaction carried the earlier groups' progress.
    assertThat(storedCheckpoint(process.database(), DocumentIndexer.NAME)).isEqualTo(edge.get(0).ordinal());
    assertThat(storedProgress(process.database(), DocumentIndexer.NAME))
        .containsExactlyInAnyOrder("doc-1:document:main=1", "doc-1:global:main=0");
  }

  private static long storedCheckpoint(QuireDatabase database, String readModel) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT last_ordinal FROM quire_read_model_checkpoints WHERE read_model = ?")) {
      ps.setString(1, readModel);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static long snapshotIndex(QuireDatabase database, StreamKey stream) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT last_index FROM quire_snapshots WHERE document_id = ? AND scope = ? AND branch = ?")) {
      ps.setString(1, stream.documentId());
      ps.setString(2, stream.scope());
      ps.setString(3, stream.branch());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a snapshot of %s", stream).isTrue();
        return rs.getLong(1);
      }
    }
  }

  private static List<String> storedProgress(QuireDatabase database, String readModel) throws Exception {
    List<String> progress = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT document_id, scope, branch, last_index FROM quire_stream_progress WHERE read_model = ?")) {
      ps.setString(1, readModel);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          progress.add(rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getString(3) + "=" + rs.getLong(4));
        }
      }
    }
    return progress;
  }

  @Test
  void indexing_before_start_starts_the_read_model_and_waits_for_catch_up() throws Exception {
    persist(ops.create("doc-1", null), ops.incrementFromStore("doc-1", 0, 4));
    process.close();
    process = startProcess();
    List<OperationWithContext> live = persist(ops.increment("doc-1", 1, 1, 5));

    process.view().indexOperations(live).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(process.view().get("doc-1", ViewFilter.MAIN, ReadOptions.NONE).get().state(Scopes.GLOBAL).path("count").asLong())
        .isEqualTo(5);
  }
}
