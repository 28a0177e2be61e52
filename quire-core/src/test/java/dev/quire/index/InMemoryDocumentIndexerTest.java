package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InMemoryDocumentIndexerTest extends DocumentIndexerConformance {

  @Override
  protected DocumentIndexer createIndexer(ConsistencyTracker tracker) {
    return new InMemoryDocumentIndexer(tracker);
  }

  @Test
  void constructor_nonPositiveTimeout_isRejected() {
    assertThatThrownBy(() -> new InMemoryDocumentIndexer(tracker, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void name_isDocumentIndexer() {
    assertThat(indexer.name()).isEqualTo(DocumentIndexer.NAME);
    assertThat(indexer.tracker()).isSameAs(tracker);
  }

  /**
   * Writers add edges to several parents while readers page through them: a page walk never
   * returns an edge twice and never throws, and after the writers finish every edge is there.
   */
  @Test
  @Timeout(60)
  void concurrentIndexingAndPaging_returnEachEdgeOnceAndLoseNone() throws Exception {
    int parents = 3;
    int children = 400;
    List<List<OperationWithContext>> streams = new ArrayList<>();
    for (int p = 0; p < parents; p++) {
      List<OperationWithContext> stream = new ArrayList<>();
      for (int c = 0; c < children; c++) {
        stream.add(ops.addRelationship("parent-" + p, "child-" + p + "-" + c, CHILD, c));
      }
      streams.add(stream);
    }
    CyclicBarrier start = new CyclicBarrier(parents * 2);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(parents * 2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      List<Future<?>> readers = new ArrayList<>();
      for (int p = 0; p < parents; p++) {
        List<OperationWithContext> stream = streams.get(p);
        String parent = "parent-" + p;
        writers.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          for (OperationWithContext op : stream) {
            indexer.indexOperations(List.of(op)).toCompletableFuture().get(10, TimeUnit.SECONDS);
          }
          return null;
        }));
        readers.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          do {
            Set<String> seen = new HashSet<>();
            String cursor = null;
            do {
              Page<Relationship> page = indexer.relationships(parent, Direction.OUTGOING, null,
                  new PageRequest(cursor, 7), ReadOptions.NONE).get(10, TimeUnit.SECONDS);
              for (Relationship edge : page.items()) {
                assertThat(seen.add(edge.targetId())).as("edge returned twice: %s", edge).isTrue();
              }
              cursor = page.nextCursor().orElse(null);
            } while (cursor != null);
            indexer.ancestors("child-0-0", null, ReadOptions.NONE).get(10, TimeUnit.SECONDS);
          } while (writing.get());
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(30, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<?> reader : readers) {
        reader.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    for (int p = 0; p < parents; p++) {
      assertThat(outgoing("parent-" + p)).hasSize(100);
      Page<Relationship> all = await(indexer.relationships("parent-" + p, Direction.OUTGOING, null,
          PageRequest.first(PageRequest.MAX_LIMIT), ReadOptions.NONE));
      assertThat(all.items()).hasSize(children);
    }
  }
}
