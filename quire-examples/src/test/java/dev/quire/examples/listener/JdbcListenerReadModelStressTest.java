package dev.quire.examples.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.Reactor;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.listener.DomainEventMapper;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.listener.ReadModels;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadModelStage;
import dev.quire.store.InMemoryOperationStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers on many documents through a real reactor: every event reaches the listener exactly
 * once, tokens are honoured, and status reads race the worker harmlessly.
 */
class JdbcListenerReadModelStressTest {

  private static final int WRITERS = 6;
  private static final int WRITES = 40;
  private static final int DOCUMENTS = 12;

  @TempDir
  Path folder;

  @Test
  @Timeout(120)
  void concurrentWriters_everyEventOnce_andTokensHold() throws Exception {
    InMemoryOperationStore store = new InMemoryOperationStore();
    Notes notes = new Notes(folder, store);
    DomainEventMapper sets = DomainEventMapper.of(JsonDocumentModel.DOCUMENT_TYPE,
        op -> op.operation().action().type().equals(JsonDocumentModel.SET)
            ? List.of(new Notes.Noted(op.documentId(), op.operation().action().input().get("value").asText()))
            : List.of());
    JdbcListenerReadModel model = JdbcListenerReadModel.builder("stress", notes.database)
        .operationStore(store).mappers(sets).listener(notes.listener()).viewTables(Notes.TABLES).build();
    try (Reactor reactor = Reactor.builder().operationStore(store).readModel(model, ReadModelStage.POST_READY)
        .build()) {
      model.start().get(30, TimeUnit.SECONDS);
      ReadModels readModels = ReadModels.of(reactor);
      List<String> documents = new ArrayList<>();
      for (int d = 0; d < DOCUMENTS; d++) {
        String id = "doc-" + d;
        documents.add(id);
        reactor.awaitJob(reactor.create(dev.quire.CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, id)).id(),
            Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
      CyclicBarrier start = new CyclicBarrier(WRITERS);
      Future<Integer> statusReader = pool.submit(() -> {
        int reads = 0;
        while (writing.get()) {
          assertThat(model.status().watermark()).isNotNegative();
          reads++;
          Thread.onSpinWait();
        }
        return reads;
      });
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          for (int i = 0; i < WRITES; i++) {
            String document = documents.get((writer * 7 + i) % DOCUMENTS);
            String text = writer + "-" + i;
            Action set = Action.of(JsonDocumentModel.SET, "global",
                Json.object().put("path", "/w" + writer).put("value", text));
            JobInfo job = reactor.awaitJob(reactor.execute(document, null, List.of(set)).id(), Duration.ofSeconds(30))
                .get(30, TimeUnit.SECONDS);
            assertThat(job.status()).isEqualTo(JobStatus.READ_READY);
            readModels.await("stress", job.tokenOrEmpty(), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            assertThat(notes.notes().get(document)).contains(text);
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(100, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(statusReader.get(10, TimeUnit.SECONDS)).isPositive();
      pool.shutdown();

      assertThat(notes.deliveries()).hasSize(WRITERS * WRITES);
      assertThat(notes.deliveries().values()).containsOnly(1);
      assertThat(model.status().lastError()).isNull();
    } finally {
      model.close();
    }
  }
}
