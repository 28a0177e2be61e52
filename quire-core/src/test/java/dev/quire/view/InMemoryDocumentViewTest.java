package dev.quire.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Document;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.OperationFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InMemoryDocumentViewTest extends DocumentViewConformance {

  @Override
  protected DocumentView createView(DocumentModelRegistry registry, ConsistencyTracker tracker) {
    return new InMemoryDocumentView(registry, tracker);
  }

  @Test
  void query_withoutTimeout_usesTheViewDefault() {
    InMemoryDocumentView short3s = new InMemoryDocumentView(CounterModel.registry(), tracker, Duration.ofSeconds(3));
    OperationWithContext never = ops.create("doc-1", null);

    CompletableFuture<Document> read = short3s.get("doc-1", ViewFilter.MAIN, ReadOptions.after(OperationFixtures.token(never)));
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(read).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(failureOf(read)).isInstanceOf(ConsistencyTimeoutException.class);
  }

  @Test
  void constructor_nonPositiveTimeout_isRejected() {
    assertThatThrownBy(() -> new InMemoryDocumentView(CounterModel.registry(), tracker, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void name_isDocumentView() {
    assertThat(view.name()).isEqualTo(DocumentView.NAME);
    assertThat(view.tracker()).isSameAs(tracker);
  }

  /**
   * Writers index the global and local streams of several documents in parallel (two streams of
   * one document share its entry) while readers query each position with a token: every answer
   * reflects at least the operation its token names, and the end state holds every write.
   */
  @Test
  @Timeout(60)
  void concurrentIndexingAndTokenReads_neverSeeAStateOlderThanTheToken() throws Exception {
    int documents = 3;
    int perStream = 300;
    List<String> scopes = List.of(Scopes.GLOBAL, Scopes.LOCAL);
    List<OperationWithContext> creates = new ArrayList<>();
    List<List<OperationWithContext>> streams = new ArrayList<>();
    for (int d = 0; d < documents; d++) {
      String id = "doc-" + d;
      creates.add(ops.create(id, null));
      for (String scope : scopes) {
        List<OperationWithContext> stream = new ArrayList<>();
        for (int i = 0; i < perStream; i++) {
          stream.add(ops.action(id, scope, i, CounterModel.INCREMENT, CounterModel.by(1), CounterModel.count(i + 1)));
        }
        streams.add(stream);
      }
    }
    await(view.indexOperations(creates).toCompletableFuture());

    CyclicBarrier start = new CyclicBarrier(streams.size() * 2);
    ExecutorService pool = Executors.newFixedThreadPool(streams.size() * 2);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (List<OperationWithContext> stream : streams) {
        tasks.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          for (OperationWithContext op : stream) {
            view.indexOperations(List.of(op)).toCompletableFuture().get(10, TimeUnit.SECONDS);
          }
          return null;
        }));
        tasks.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          for (OperationWithContext op : stream) {
            ConsistencyCoordinate at = op.coordinate();
            ConsistencyToken token = ConsistencyToken.of(OperationFixtures.BASE_TIME, List.of(at));
            Document doc = view.get(at.documentId(), ViewFilter.MAIN, ReadOptions.after(token))
                .get(10, TimeUnit.SECONDS);
            assertThat(countOf(doc, at.scope())).isGreaterThanOrEqualTo(at.operationIndex() + 1);
          }
          return null;
        }));
      }
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int d = 0; d < documents; d++) {
      Document doc = get("doc-" + d);
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(perStream);
      assertThat(countOf(doc, Scopes.LOCAL)).isEqualTo(perStream);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, (long) perStream);
    }
    assertThat(tracker.waiterCount()).isZero();
  }
}
