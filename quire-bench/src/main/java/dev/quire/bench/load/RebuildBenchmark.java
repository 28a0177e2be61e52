package dev.quire.bench.load;

import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.model.Document;
import dev.quire.model.OperationWithContext;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rebuild benchmark: how fast a fresh document view and a fresh document indexer catch up on
 * a store's whole history (what a cold start, a new read model or a schema change costs).
 *
 * <p>The history ({@link OperationGenerator}: creates, a tree of child edges, then SETs) is appended
 * straight to the store in large batches, not through jobs, and is not timed. Then, each timed on
 * its own: a scan of the store by ordinal; a fresh view catching up from ordinal 0; a fresh indexer
 * catching up from ordinal 0. In-memory read models are fed page by page ({@code getSinceOrdinal}
 * then {@code indexOperations}, as the coordinator's catch-up does); JDBC ones run their own
 * start-up catch-up ({@code start()}), which is the production rebuild path. Afterwards the result
 * is checked (last value of a document, child edges of the root), so a fast wrong rebuild fails.
 *
 * <p>1,000,000 operations over 100,000 documents in memory take about 10 s on 2 cores.
 */
public final class RebuildBenchmark {

  private static final long READ_TIMEOUT_SECONDS = 60;
  /** A JDBC catch-up of a million operations is one long call. */
  private static final long CATCH_UP_TIMEOUT_SECONDS = 30 * 60;

  private final RebuildConfig config;
  private final AtomicLong progressDone = new AtomicLong();

  private RebuildBenchmark(RebuildConfig config) {
    this.config = config;
  }

  public static RebuildResult run(RebuildConfig config) throws IOException, InterruptedException {
    return new RebuildBenchmark(config).execute();
  }

  private RebuildResult execute() throws IOException, InterruptedException {
    Environment environment = Environment.current();
    ProcessStats.resetPeaks();
    try (BenchStorage storage = BenchStorage.open(config.storage());
         ProgressLine progress = new ProgressLine(config.progress(), "generate", this::status)) {
      OperationStore store = storage.store();
      OperationGenerator generator = new OperationGenerator(config.documents(), config.operations(),
          config.appendBatch());
      long start = System.nanoTime();
      long generated = generator.generate(batch -> {
        store.append(batch);
        progressDone.addAndGet(batch.appends().stream().mapToLong(append -> append.operations().size()).sum());
      });
      long generateNanos = System.nanoTime() - start;
      storage.settle();

      progress.phase("scan");
      RebuildResult.Phase scan = timed(generated, () -> feed(store, null));
      progress.phase("view");
      DocumentView view = storage.newView();
      RebuildResult.Phase viewPhase = timed(generated, () -> rebuild(store, view));
      progress.phase("indexer");
      DocumentIndexer indexer = storage.newIndexer();
      RebuildResult.Phase indexerPhase = timed(generated, () -> rebuild(store, indexer));
      verify(generator, view, indexer);
      progress.phase("both");
      RebuildResult.Phase together;
      if (BenchStorage.isJdbc(view)) {
        together = timed(generated, () -> rebuildTogether(view, indexer));
        verify(generator, view, indexer);
      } else {
        DocumentView freshView = storage.newView();
        DocumentIndexer freshIndexer = storage.newIndexer();
        together = timed(generated, () -> feedTogether(store, freshView, freshIndexer));
        verify(generator, freshView, freshIndexer);
      }

      RebuildResult.Phase both = RebuildResult.Phase.of(generated,
          Math.round((viewPhase.seconds() + indexerPhase.seconds()) * 1e9),
          viewPhase.cpuSeconds() < 0 || indexerPhase.cpuSeconds() < 0 ? -1
              : Math.round((viewPhase.cpuSeconds() + indexerPhase.cpuSeconds()) * 1e9));
      RebuildResult result = new RebuildResult("rebuild",
          new RebuildResult.Settings(generated, config.documents(), config.storage().redacted(), config.pageSize()),
          environment, Math.round(generateNanos / 1e6) / 1000.0, scan, viewPhase, indexerPhase, both, together,
          ProcessStats.peakHeapBytes(), ProcessStats.peakRssBytes());
      if (config.out() != null) {
        Results.writeJson(config.out().resolve(config.name() + ".json"), result);
      }
      return result;
    }
  }

  private interface Pass {
    void run() throws InterruptedException;
  }

  private RebuildResult.Phase timed(long operations, Pass pass) throws InterruptedException {
    progressDone.set(0);
    long cpu = ProcessStats.processCpuNanos();
    long start = System.nanoTime();
    pass.run();
    long nanos = System.nanoTime() - start;
    long cpuAfter = ProcessStats.processCpuNanos();
    return RebuildResult.Phase.of(operations, nanos, cpu < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpu);
  }

  private void rebuild(OperationStore store, ReadModel readModel) throws InterruptedException {
    if (BenchStorage.isJdbc(readModel)) {
      join(BenchStorage.start(readModel), readModel.name() + " catch-up", CATCH_UP_TIMEOUT_SECONDS);
      progressDone.set(config.operations());
      return;
    }
    feed(store, readModel);
  }

  /** JDBC: both read models rebuilt from the store at once, each into fresh tables swapped in at the end. */
  private void rebuildTogether(DocumentView view, DocumentIndexer indexer) throws InterruptedException {
    CompletableFuture<Void> both = CompletableFuture.allOf(BenchStorage.rebuild(view), BenchStorage.rebuild(indexer));
    join(both, "rebuilding both", CATCH_UP_TIMEOUT_SECONDS);
    progressDone.set(config.operations());
  }

  /** In memory: two fresh read models fed from the store by two threads. */
  private void feedTogether(OperationStore store, DocumentView view, DocumentIndexer indexer)
      throws InterruptedException {
    CompletableFuture<Void> feedingIndexer = CompletableFuture.runAsync(() -> {
      try {
        feed(store, indexer);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while feeding the indexer", e);
      }
    });
    feed(store, view);
    join(feedingIndexer, "feeding the indexer", CATCH_UP_TIMEOUT_SECONDS);
  }

  /** Pages through the store from ordinal 0, indexing each page into {@code readModel} when given. */
  private void feed(OperationStore store, ReadModel readModel) throws InterruptedException {
    long after = 0;
    while (true) {
      List<OperationWithContext> page = store.getSinceOrdinal(after, config.pageSize());
      if (page.isEmpty()) {
        return;
      }
      if (readModel != null) {
        join(readModel.indexOperations(page).toCompletableFuture(), readModel.name() + " indexing",
            READ_TIMEOUT_SECONDS);
      }
      after = page.get(page.size() - 1).ordinal();
      progressDone.addAndGet(page.size());
    }
  }

  /** A rebuild that is fast but wrong must not produce a figure. */
  private void verify(OperationGenerator generator, DocumentView view, DocumentIndexer indexer)
      throws InterruptedException {
    int last = config.documents() - 1;
    Document document = join(view.get(OperationGenerator.documentId(last), ViewFilter.MAIN, ReadOptions.NONE),
        "reading the rebuilt view",
        READ_TIMEOUT_SECONDS);
    long expected = generator.finalValue(last);
    long actual = expected < 0 ? -1 : document.state("global").path("n").asLong(-1);
    if (actual != expected) {
      throw new IllegalStateException("The rebuilt view holds n=" + actual + " for " + document.id() + ", expected "
          + expected);
    }
    int expectedChildren = Math.min(10, config.documents() - 1);
    Page<Relationship> children = join(indexer.relationships(OperationGenerator.documentId(0), Direction.OUTGOING,
        Set.of(SystemActions.CHILD_RELATIONSHIP), PageRequest.first(100), ReadOptions.NONE), "reading the index", READ_TIMEOUT_SECONDS);
    if (children.items().size() != expectedChildren) {
      throw new IllegalStateException("The rebuilt indexer holds " + children.items().size()
          + " children of the root, expected " + expectedChildren);
    }
  }

  private ProgressLine.Status status() {
    long done = progressDone.get();
    return new ProgressLine.Status((double) done / config.operations(),
        String.format(Locale.ROOT, "%,d / %,d operations", done, config.operations()));
  }

  private static <T> T join(CompletableFuture<T> future, String what, long timeoutSeconds)
      throws InterruptedException {
    try {
      return future.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeoutSeconds + " s", e);
    }
  }
}
