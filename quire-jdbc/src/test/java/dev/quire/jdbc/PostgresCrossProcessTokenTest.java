package dev.quire.jdbc;

import static dev.quire.readmodel.fixture.OperationFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Quire processes on one PostgreSQL schema (two pools, two sets of read models): a token issued
 * by process A is honoured by process B, which answers once it can see A's indexed rows.
 */
@Timeout(60)
class PostgresCrossProcessTokenTest {

  private static final long WAIT_SECONDS = 10;

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private final Resources resources = new Resources();
  private final OperationFixtures ops = new OperationFixtures();
  private JdbcOperationStore storeA;
  private JdbcDocumentView viewA;
  private JdbcDocumentIndexer indexerA;
  private JdbcOperationStore storeB;
  private JdbcDocumentView viewB;
  private JdbcDocumentIndexer indexerB;

  @BeforeEach
  void startTwoProcesses() throws Exception {
    QuireDatabase databaseA = resources.add(QuireDatabase.open(postgres.url()));
    Databases.clear(databaseA);
    storeA = resources.add(new JdbcOperationStore(databaseA));
    viewA = resources.add(new JdbcDocumentView(databaseA, storeA, CounterModel.registry(),
        new ConsistencyTracker(DocumentView.NAME)));
    indexerA = resources.add(new JdbcDocumentIndexer(databaseA, storeA, new ConsistencyTracker(DocumentIndexer.NAME)));

    QuireDatabase databaseB = resources.add(QuireDatabase.open(postgres.url()));
    storeB = resources.add(new JdbcOperationStore(databaseB));
    viewB = resources.add(new JdbcDocumentView(databaseB, storeB, CounterModel.registry(),
        new ConsistencyTracker(DocumentView.NAME)));
    indexerB = resources.add(new JdbcDocumentIndexer(databaseB, storeB, new ConsistencyTracker(DocumentIndexer.NAME)));
    for (CompletableFuture<Void> started : List.of(viewA.start(), indexerA.start(), viewB.start(), indexerB.start())) {
      started.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() {
    resources.close();
  }

  private OperationWithContext writeOnA(OperationWithContext op) {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
    return storeA.append(new WriteBatch("job", List.of(append))).get(0).withResultingState(op.resultingState());
  }

  private void indexOnA(OperationWithContext... operations) throws Exception {
    viewA.indexOperations(List.of(operations)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    indexerA.indexOperations(List.of(operations)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void a_token_from_process_a_already_indexed_there_is_honoured_at_once_on_process_b() throws Exception {
    OperationWithContext create = writeOnA(ops.create("doc-1", "one"));
    OperationWithContext increment = writeOnA(ops.increment("doc-1", 0, 7, 7));
    indexOnA(create, increment);
    ConsistencyToken token = token(create, increment);

    Document doc = viewB.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token, Duration.ofSeconds(5)))
        .get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(doc.state(Scopes.GLOBAL).path("count").asLong()).isEqualTo(7);
  }

  @Test
  void process_b_waiting_on_a_token_from_process_a_answers_when_a_commits_its_indexing() throws Exception {
    OperationWithContext create = writeOnA(ops.create("doc-1", "one"));
    OperationWithContext link = writeOnA(ops.addRelationship("doc-1", "doc-2", "child", 1));
    ConsistencyToken token = token(create, link);

    CompletableFuture<Document> read =
        viewB.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token, Duration.ofSeconds(WAIT_SECONDS)));
    CompletableFuture<Boolean> related =
        indexerB.hasRelationship("doc-1", "doc-2", null, ReadOptions.after(token, Duration.ofSeconds(WAIT_SECONDS)));
    assertThat(read).isNotDone();
    assertThat(related).isNotDone();

    indexOnA(create, link);

    assertThat(read.get(WAIT_SECONDS, TimeUnit.SECONDS).header().slug()).isEqualTo("one");
    assertThat(related.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void each_process_indexes_the_other_process_operations_it_was_never_given_so_the_checkpoint_advances()
      throws Exception {
    viewA.engine().gapGrace(Duration.ZERO);
    viewB.engine().gapGrace(Duration.ZERO);
    OperationWithContext a0 = writeOnA(ops.create("doc-a", null));
    indexOnA(a0);
    OperationWithContext b0 = writeOnB(ops.create("doc-b", null));
    indexOnB(b0);
    OperationWithContext a1 = writeOnA(ops.increment("doc-a", 0, 3, 3));
    indexOnA(a1);
    OperationWithContext b1 = writeOnB(ops.increment("doc-b", 0, 4, 4));
    indexOnB(b1);
    // The writer fills a gap after completing the group; a second (idempotent) batch queues behind it.
    indexOnB(b1);

    assertThat(viewB.checkpoint()).isEqualTo(b1.ordinal());
    assertThat(viewA.get("doc-b", ViewFilter.MAIN, ReadOptions.NONE).get().state(Scopes.GLOBAL).path("count").asLong())
        .isEqualTo(4);
    assertThat(viewB.get("doc-a", ViewFilter.MAIN, ReadOptions.NONE).get().state(Scopes.GLOBAL).path("count").asLong())
        .isEqualTo(3);
  }

  @Test
  void a_process_indexing_a_stream_ahead_of_the_process_that_wrote_its_previous_operation_indexes_that_one_too()
      throws Exception {
    // A wrote doc-1's first edge but has not indexed it yet; B then wrote the second and indexed it.
    OperationWithContext create = writeOnA(ops.create("doc-1", null));
    indexOnA(create);
    OperationWithContext first = writeOnA(ops.addRelationship("doc-1", "doc-2", "child", 1));
    OperationWithContext second = writeOnB(ops.addRelationship("doc-1", "doc-3", "child", 2));
    indexerB.indexOperations(List.of(second)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    viewB.indexOperations(List.of(second)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

    // B's token for the second edge covers the first: B may answer only with both edges indexed.
    ReadOptions afterSecond = ReadOptions.after(token(second), Duration.ofSeconds(WAIT_SECONDS));
    assertThat(indexerB.hasRelationship("doc-1", "doc-2", null, afterSecond).get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isTrue();
    assertThat(indexerB.hasRelationship("doc-1", "doc-3", null, afterSecond).get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isTrue();
    assertThat(viewB.get("doc-1", ViewFilter.MAIN, afterSecond).get(WAIT_SECONDS, TimeUnit.SECONDS).header())
        .as("the document read on B").isNotNull();

    // A indexing its edge late changes nothing (indexing is idempotent).
    indexOnA(first);
    assertThat(indexerA.hasRelationship("doc-1", "doc-2", null, ReadOptions.after(token(second), Duration.ofSeconds(5)))
        .get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  private OperationWithContext writeOnB(OperationWithContext op) {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
    return storeB.append(new WriteBatch("job", List.of(append))).get(0).withResultingState(op.resultingState());
  }

  private void indexOnB(OperationWithContext... operations) throws Exception {
    viewB.indexOperations(List.of(operations)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
