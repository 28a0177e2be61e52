package dev.quire.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.bench.load.TempFolders;
import dev.quire.consistency.StreamKey;
import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import dev.quire.jdbc.JdbcOperationStore;
import dev.quire.model.Action;
import dev.quire.model.Ids;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.StateHash;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationStore;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what does {@link OperationStore#append(WriteBatch)} cost one writer for a job of 1, 10
 * or 100 operations, in memory and on SQLite with {@code synchronous=NORMAL} (WAL, no fsync per
 * commit), and how much of it is per batch rather than per operation?
 *
 * <p>Each call appends one {@link WriteBatch} holding one stream append of {@code batchSize}
 * {@code SET} operations to the {@code global} scope of one of 64 documents, round
 * robin, at the stream's next index (kept in the state), so no append ever conflicts. This is the
 * shape a {@code JobExecutor} job of {@code batchSize} actions on one document writes. The batch
 * (ids, inputs, hashes) is built in an invocation-level setup that JMH does not time; that setup
 * adds timestamping overhead (tens of ns) to each call, which matters only for the in-memory store
 * at {@code batchSize=1}.
 *
 * <p><b>The score is per append call, i.e. per batch</b>: divide by {@code batchSize} for the cost
 * per operation.
 *
 * <ul>
 *   <li>{@code memory}: {@link InMemoryOperationStore}; replaced by an empty one (untimed) every
 *       20,000 operations. The store keeps every operation on the heap, and with
 *       a live set of hundreds of thousands of them young collections copy so much that GC time
 *       (over a third of the run at 200,000) swamps the append itself; this measures the append, not
 *       the heap size of a long-running in-memory store.
 *   <li>{@code sqlite-normal}: {@link JdbcOperationStore} on a fresh temporary SQLite file per trial,
 *       {@link Durability#NORMAL}, the durability of {@code bench load --storage sqlite-normal}. With
 *       one writer every append is its own group commit: the call includes the hand-off to the
 *       store's writer thread and one transaction.
 * </ul>
 *
 * <p>Command (about 2 minutes with these settings):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar StoreAppendBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class StoreAppendBenchmark {

  private static final int DOCUMENTS = 64;
  private static final long MEMORY_ROLLOVER = 20_000;

  private static final String DOCUMENT_PREFIX = "append-doc-";

  /** An open store and, per document, the index its {@code global} stream's next operation takes. */
  @State(Scope.Thread)
  public static class Store {
    @Param({"memory", "sqlite-normal"})
    public String storage;

    @Param({"1", "10", "100"})
    public int batchSize;

    OperationStore store;
    Path tempFolder;
    final long[] nextIndex = new long[DOCUMENTS];
    int nextDocument;
    long storedOperations;
    /** Any plausible state hash; the store keeps it without checking it. */
    final String hash = StateHash.of(ReducerBenchmark.scopeState(5));
    WriteBatch batch;

    @Setup(Level.Trial)
    public void open() throws IOException {
      switch (storage) {
        case "memory" -> store = new InMemoryOperationStore();
        case "sqlite-normal" -> {
          tempFolder = Files.createTempDirectory("quire-jmh-append-");
          store = JdbcOperationStore.open("sqlite:" + tempFolder.resolve("quire.db"),
              DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL));
        }
        default -> throw new IllegalArgumentException("storage must be memory or sqlite-normal, got " + storage);
      }
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
      if (store instanceof InMemoryOperationStore && storedOperations >= MEMORY_ROLLOVER) {
        store = new InMemoryOperationStore();
        Arrays.fill(nextIndex, 0);
        storedOperations = 0;
      }
      int document = nextDocument;
      nextDocument = (nextDocument + 1) % DOCUMENTS;
      String documentId = DOCUMENT_PREFIX + document;
      long first = nextIndex[document];
      Instant now = Instant.now();
      List<Operation> operations = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        ObjectNode input = Json.object();
        input.put("path", "/n");
        input.put("value", first + i);
        Action action = new Action(Ids.newId(), JsonDocumentModel.SET, Scopes.GLOBAL, now, input, null);
        String id = Ids.operationId(documentId, Scopes.GLOBAL, Scopes.MAIN_BRANCH, action.id());
        operations.add(new Operation(id, first + i, 0, now, hash, action, null));
      }
      StreamKey stream = StreamKey.of(documentId, Scopes.GLOBAL, Scopes.MAIN_BRANCH);
      batch = new WriteBatch(Ids.newId(),
          List.of(new StreamAppend(stream, JsonDocumentModel.DOCUMENT_TYPE, first, operations)));
      nextIndex[document] = first + batchSize;
      storedOperations += batchSize;
    }

    @TearDown(Level.Trial)
    public void close() {
      try {
        store.close();
      } finally {
        if (tempFolder != null) {
          TempFolders.deleteQuietly(tempFolder);
        }
      }
    }
  }

  @Benchmark
  public List<OperationWithContext> append(Store state) {
    List<OperationWithContext> stored = state.store.append(state.batch);
    if (stored.size() != state.batchSize) {
      throw new IllegalStateException("Stored " + stored.size() + " operations of a batch of " + state.batchSize);
    }
    return stored;
  }
}
