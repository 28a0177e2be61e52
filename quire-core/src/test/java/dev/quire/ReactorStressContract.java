package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.StreamKey;
import dev.quire.event.QuireEvents;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.Document;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationFilter;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole write → index → read path under load: 8 threads write {@link #actions()} (100,000
 * unless a subclass says otherwise) single-action jobs to 1,000 {@code quire/json} documents in
 * random order; every 20th write, the writing thread waits for
 * its job and reads the document with the job's token.
 *
 * <p>Each thread {@code t} owns field {@code /t<t>} of every document and SETs it to 1, 2, 3, ... in
 * its own order, so a read with the token of its {@code k}-th write to a document must show exactly
 * {@code k} there (later writes of that thread are not submitted yet; other threads write other
 * fields). At the end: no job failed, every stream's indexes run 0..n-1 without gaps, and every
 * document's view state equals a sequential replay of its stored operations through the model and
 * holds each thread's last value.
 *
 * <p>A subclass supplies the storage: {@code ReactorStressTest} in memory, in quire-jdbc SQLite (its
 * class name states the reduced size). Run one alone: {@code ./mvnw -pl quire-core test
 * -Dtest=ReactorStressTest}.
 */
public abstract class ReactorStressContract {

  private static final int THREADS = 8;
  private static final int DOCUMENTS = 1_000;
  private static final int READ_EVERY = 20;
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Fresh, empty storage (trackers on the system clock), read models started. */
  protected abstract ReactorConformance.Storage openStorage();

  /** How many single-action jobs the threads write in all; a multiple of 8. */
  protected int actions() {
    return 100_000;
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void everyReadWithATokenSeesItsWrite_andTheFinalStateIsASequentialReplay() throws Exception {
    int actionCount = actions();
    ReactorConformance.Storage storage = openStorage();
    AutoCloseable resources = storage.resources();
    try (resources;
        Reactor reactor = Reactor.builder().operationStore(storage.store()).documentView(storage.view())
            .documentIndexer(storage.indexer()).build()) {
      AtomicInteger failedJobs = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      reactor.events().subscribe(QuireEvents.JOB_FAILED, event -> {
        failedJobs.incrementAndGet();
        failures.add(event.jobId() + ": " + event.error());
      });

      List<String> ids = new ArrayList<>(DOCUMENTS);
      List<CompletableFuture<JobInfo>> creates = new ArrayList<>(DOCUMENTS);
      for (int d = 0; d < DOCUMENTS; d++) {
        String id = "doc-" + d;
        ids.add(id);
        creates.add(reactor.awaitJob(reactor.create(CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, id)).id(), WAIT));
      }
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      // lastValue[t][d]: what thread t wrote last to document d.
      int[][] lastValue = new int[THREADS][DOCUMENTS];
      AtomicInteger reads = new AtomicInteger();
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService writers = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(writers.submit(() -> {
          Random random = new Random(42 + thread);
          int[] counters = lastValue[thread];
          String field = "t" + thread;
          start.await(10, TimeUnit.SECONDS);
          for (int i = 0; i < actionCount / THREADS; i++) {
            int d = random.nextInt(DOCUMENTS);
            int value = ++counters[d];
            Action set = Action.of(JsonDocumentModel.SET, Scopes.GLOBAL,
                Json.object().put("path", "/" + field).put("value", value));
            JobInfo job = reactor.execute(ids.get(d), "main", List.of(set));
            if (i % READ_EVERY == 0) {
              JobInfo finished = reactor.awaitJob(job.id(), WAIT).get(30, TimeUnit.SECONDS);
              assertThat(finished.status()).isEqualTo(JobStatus.READ_READY);
              Document read = reactor.get(ids.get(d), ViewFilter.MAIN,
                  ReadOptions.after(finished.consistencyToken().orElseThrow())).get(30, TimeUnit.SECONDS);
              assertThat(read.state(Scopes.GLOBAL).path(field).asInt())
                  .as("thread %d's write %d to %s", thread, value, ids.get(d))
                  .isEqualTo(value);
              reads.incrementAndGet();
            }
          }
          return null;
        }));
      }
      writers.shutdown();
      for (Future<?> future : done) {
        future.get(180, TimeUnit.SECONDS);
      }
      reactor.drain().get(30, TimeUnit.SECONDS);

      assertThat(failures).isEmpty();
      assertThat(failedJobs.get()).isZero();
      int perThread = actionCount / THREADS;
      assertThat(reads.get()).isEqualTo(THREADS * ((perThread + READ_EVERY - 1) / READ_EVERY));

      JsonDocumentModel model = new JsonDocumentModel();
      long globalOperations = 0;
      for (int d = 0; d < DOCUMENTS; d++) {
        String id = ids.get(d);
        Map<String, Long> revisions = reactor.operationStore().getRevisions(id, "main");
        List<Operation> documentOps = readAll(reactor, StreamKey.of(id, Scopes.DOCUMENT, "main"));
        List<Operation> globalOps = readAll(reactor, StreamKey.of(id, Scopes.GLOBAL, "main"));
        assertContiguous(documentOps, revisions.get(Scopes.DOCUMENT));
        assertContiguous(globalOps, revisions.getOrDefault(Scopes.GLOBAL, 0L));
        globalOperations += globalOps.size();

        JsonNode replayed = model.initialState(Scopes.GLOBAL);
        for (Operation op : globalOps) {
          replayed = model.reduce(replayed, op.action());
        }
        Document view = reactor.get(id, ViewFilter.MAIN, ReadOptions.NONE).get(5, TimeUnit.SECONDS);
        assertThat(view.state(Scopes.GLOBAL)).as("view state of %s", id).isEqualTo(replayed);
        for (int t = 0; t < THREADS; t++) {
          if (lastValue[t][d] > 0) {
            assertThat(replayed.path("t" + t).asInt()).as("last write of thread %d to %s", t, id)
                .isEqualTo(lastValue[t][d]);
          } else {
            assertThat(replayed.has("t" + t)).isFalse();
          }
        }
      }
      assertThat(globalOperations).isEqualTo(actionCount);
    }
  }

  private static void assertContiguous(List<Operation> operations, Long revision) {
    for (int i = 0; i < operations.size(); i++) {
      assertThat(operations.get(i).index()).isEqualTo(i);
    }
    assertThat((long) operations.size()).isEqualTo(revision == null ? 0L : revision);
  }

  private static List<Operation> readAll(Reactor reactor, StreamKey stream) {
    List<Operation> all = new ArrayList<>();
    PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
    while (true) {
      Page<Operation> batch = reactor.operationStore().getSince(stream, -1, OperationFilter.NONE, page);
      all.addAll(batch.items());
      if (batch.nextCursor().isEmpty()) {
        return all;
      }
      page = new PageRequest(batch.nextCursor().get(), PageRequest.MAX_LIMIT);
    }
  }
}
