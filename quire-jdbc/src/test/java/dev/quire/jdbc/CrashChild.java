package dev.quire.jdbc;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import dev.quire.view.DocumentView;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashRecoveryContract} kills (on SQLite or PostgreSQL): {@code writers} threads, each appending
 * counter increments to its own document and indexing them live, printing {@code ACK <doc> <index>}
 * to stdout once an append has returned (committed). Continues the documents a previous run left.
 * Stops by itself after a minute in case nobody kills it.
 */
public final class CrashChild {

  static final String ACK = "ACK";
  static final String READY = "READY";

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int writers = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    QuireDatabase database = QuireDatabase.open(url);
    JdbcOperationStore store = new JdbcOperationStore(database);
    JdbcDocumentView view = new JdbcDocumentView(database, store, CounterModel.registry(),
        new ConsistencyTracker(DocumentView.NAME));
    JdbcDocumentIndexer indexer = new JdbcDocumentIndexer(database, store, new ConsistencyTracker(DocumentIndexer.NAME));
    view.start().get(30, TimeUnit.SECONDS);
    indexer.start().get(30, TimeUnit.SECONDS);
    out.println(READY);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String doc = "doc-" + w;
      Thread thread = new Thread(() -> {
        OperationFixtures ops = new OperationFixtures();
        Map<String, Long> revisions = store.getRevisions(doc, Scopes.MAIN_BRANCH);
        if (!revisions.containsKey(Scopes.DOCUMENT)) {
          write(store, view, indexer, out, ops.create(doc, doc));
          write(store, view, indexer, out, ops.addRelationship(doc, "target-" + doc, "child", 1));
        }
        long index = store.getRevisions(doc, Scopes.MAIN_BRANCH).getOrDefault(Scopes.GLOBAL, 0L);
        while (System.nanoTime() < deadline) {
          write(store, view, indexer, out, ops.increment(doc, index, 1, index + 1));
          index++;
        }
      }, "crash-writer-" + w);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.exit(0);
  }

  private static void write(JdbcOperationStore store, JdbcDocumentView view, JdbcDocumentIndexer indexer,
      PrintStream out, OperationWithContext op) {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
    OperationWithContext stored =
        store.append(new WriteBatch("job-" + op.operation().id(), List.of(append))).get(0).withResultingState(op.resultingState());
    out.println(ACK + " " + op.documentId() + " " + op.scope() + " " + op.operation().index());
    view.indexOperations(List.of(stored)).toCompletableFuture().join();
    indexer.indexOperations(List.of(stored)).toCompletableFuture().join();
  }
}
