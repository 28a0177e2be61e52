package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.StreamKey;
import dev.quire.event.QuireEvents;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.Document;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.OperationFilter;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two reactors on one PostgreSQL schema write the same documents at the same time. They run in
 * this JVM but share nothing except the database: each has its own connection pool, operation
 * store, read models, trackers, job runner and LISTEN connection, so to PostgreSQL (and to each
 * other) they are two processes. Both reactors' jobs append to the same streams; a revision
 * conflict with the other reactor is retried by the job runner with the fresh revision.
 *
 * <p>Checked: no failed job; every stream's indexes run 0..n-1 with n its revision, no index
 * duplicated or skipped; every acknowledged write is stored exactly once; a token issued by one
 * reactor at WRITE_READY, before any view has indexed it, is honoured by the other reactor's view
 * (its wait ends when the writer's view commits and notifies, or when it fills the gap itself);
 * in the end both reactors read each document as the sequential replay of its stored operations.
 */
@Timeout(120)
class PostgresTwoProcessReactorTest {

  private static final int THREADS_PER_REACTOR = 3;
  private static final int JOBS_PER_THREAD = 60;
  private static final int DOCUMENTS = 6;
  private static final int CROSS_READ_EVERY = 5;
  private static final Duration WAIT = Duration.ofSeconds(20);
  // Two writers per stream at most (one job per document per reactor), so some attempt always wins.
  private static final RetryPolicy CONFLICT_RETRY =
      new RetryPolicy(50, Duration.ofMillis(1), Duration.ofMillis(50), 2.0);

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private final Resources resources = new Resources();
  private final List<Reactor> reactors = new ArrayList<>();
  // Per job: completes with the job's token once the job is WRITE_READY (set by the job's reactor).
  private final Map<String, CompletableFuture<ConsistencyToken>> written = new ConcurrentHashMap<>();

  @BeforeEach
  void startTwoReactors() {
    for (int r = 0; r < 2; r++) {
      JdbcReactorStorage storage = resources.add(JdbcReactorFixtures.open(postgres.url(), Scheduler.system(), r == 0));
      Reactor reactor = resources.add(storage.configure(Reactor.builder()).jobRetryPolicy(CONFLICT_RETRY).build());
      // The job's token, from the written operations themselves: usable before any view indexed them.
      reactor.events().subscribe(QuireEvents.OPERATION_WRITTEN, event -> writtenFuture(event.jobId())
          .complete(ConsistencyToken.of(Instant.now(),
              event.operations().stream().map(OperationWithContext::coordinate).toList())));
      reactors.add(reactor);
    }
  }

  @AfterEach
  void stop() {
    resources.close(); // each reactor before its storage
  }

  private CompletableFuture<ConsistencyToken> writtenFuture(String jobId) {
    return written.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  /** One acknowledged write: {@code field} of {@code documentId} set to {@code value}. */
  private record Write(String documentId, String field, int value) {}

  @Test
  void both_reactors_write_the_same_documents_without_duplicated_or_skipped_indexes_and_honour_each_others_tokens()
      throws Exception {
    Reactor a = reactors.get(0);
    Reactor b = reactors.get(1);
    List<String> ids = new ArrayList<>();
    ConsistencyToken created = ConsistencyToken.empty();
    for (int d = 0; d < DOCUMENTS; d++) {
      // Alternate the creating reactor, so each reactor writes documents it did not create.
      Reactor creator = reactors.get(d % 2);
      JobInfo done = creator.awaitJob(creator.create(CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, "doc-" + d))
          .id(), WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
      created = created.merge(done.consistencyToken().orElseThrow());
      ids.add("doc-" + d);
    }

    Set<Write> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<ConsistencyToken> tokens = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger crossReads = new AtomicInteger();
    // lastValue.get(field)[d]: the last value the writer of field set on document d.
    Map<String, int[]> lastValue = new ConcurrentHashMap<>();
    int writers = 2 * THREADS_PER_REACTOR;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Reactor mine = reactors.get(w % 2);
      Reactor other = reactors.get(1 - w % 2);
      String field = (w % 2 == 0 ? "a" : "b") + w;
      int seed = w;
      done.add(pool.submit(() -> {
        Random random = new Random(seed);
        int[] values = new int[DOCUMENTS];
        lastValue.put(field, values);
        start.await(10, TimeUnit.SECONDS);
        for (int i = 0; i < JOBS_PER_THREAD; i++) {
          int d = random.nextInt(DOCUMENTS);
          int value = ++values[d];
          Action set = Action.of(JsonDocumentModel.SET, Scopes.GLOBAL,
              Json.object().put("path", "/" + field).put("value", value));
          JobInfo job = mine.execute(ids.get(d), Scopes.MAIN_BRANCH, List.of(set));
          ConsistencyToken token = writtenFuture(job.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          acknowledged.add(new Write(ids.get(d), field, value));
          tokens.add(token);
          if (i % CROSS_READ_EVERY == 0) {
            // The token of a job that may not be indexed anywhere yet, presented to the other reactor.
            Document read = other.get(ids.get(d), ViewFilter.MAIN, ReadOptions.after(token, WAIT))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(read.state(Scopes.GLOBAL).path(field).asInt())
                .as("%s's write %d to %s read on the other reactor", field, value, ids.get(d))
                .isEqualTo(value);
            crossReads.incrementAndGet();
          }
          JobInfo finished = mine.awaitJob(job.id(), WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          if (finished.status() != JobStatus.READ_READY) {
            failures.add(field + " job " + i + ": " + finished.status() + " " + finished.error());
          }
        }
        return null;
      }));
    }
    pool.shutdown();
    for (Future<?> future : done) {
      future.get(100, TimeUnit.SECONDS);
    }
    assertThat(failures).isEmpty();
    assertThat(acknowledged).hasSize(writers * JOBS_PER_THREAD);
    assertThat(crossReads.get()).isEqualTo(writers * JOBS_PER_THREAD / CROSS_READ_EVERY);
    a.drain().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    b.drain().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    ConsistencyToken all = created;
    for (ConsistencyToken token : tokens) {
      all = all.merge(token);
    }
    JsonDocumentModel model = new JsonDocumentModel();
    Set<Write> stored = new HashSet<>();
    for (int d = 0; d < DOCUMENTS; d++) {
      String id = ids.get(d);
      Map<String, Long> revisions = a.operationStore().getRevisions(id, Scopes.MAIN_BRANCH);
      assertThat(b.operationStore().getRevisions(id, Scopes.MAIN_BRANCH)).isEqualTo(revisions);
      List<Operation> documentOps = readAll(a, StreamKey.of(id, Scopes.DOCUMENT, Scopes.MAIN_BRANCH));
      List<Operation> globalOps = readAll(a, StreamKey.of(id, Scopes.GLOBAL, Scopes.MAIN_BRANCH));
      assertContiguous(id + " document", documentOps, revisions.get(Scopes.DOCUMENT));
      assertContiguous(id + " global", globalOps, revisions.getOrDefault(Scopes.GLOBAL, 0L));

      JsonNode replayed = model.initialState(Scopes.GLOBAL);
      for (Operation op : globalOps) {
        JsonNode input = op.action().input();
        Write write = new Write(id, input.path("path").asText().substring(1), input.path("value").asInt());
        assertThat(stored.add(write)).as("%s stored once", write).isTrue();
        replayed = model.reduce(replayed, op.action());
      }
      for (Reactor reactor : reactors) {
        Document view = reactor.get(id, ViewFilter.MAIN, ReadOptions.after(all, WAIT))
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(view.state(Scopes.GLOBAL)).as("view state of %s", id).isEqualTo(replayed);
      }
      for (Map.Entry<String, int[]> writer : lastValue.entrySet()) {
        int last = writer.getValue()[d];
        if (last > 0) {
          assertThat(replayed.path(writer.getKey()).asInt()).as("last write of %s to %s", writer.getKey(), id)
              .isEqualTo(last);
        }
      }
    }
    assertThat(stored).isEqualTo(acknowledged);
  }

  private static void assertContiguous(String stream, List<Operation> operations, Long revision) {
    assertThat(operations).extracting(Operation::index).as(stream)
        .containsExactlyElementsOf(LongStream.range(0, operations.size()).boxed().toList());
    assertThat((long) operations.size()).as(stream + " revision").isEqualTo(revision == null ? 0L : revision);
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
