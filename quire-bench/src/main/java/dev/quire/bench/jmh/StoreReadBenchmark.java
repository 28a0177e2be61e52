package dev.quire.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.StreamKey;
import dev.quire.bench.load.TempFolders;
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
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what does reading the operation store back cost per operation on SQLite, the work of
 * every replay, rebuild and catch-up page ({@link JdbcOperationStore#getSinceOrdinal(long, int)}:
 * the query, the columns, the action's JSON and its timestamp)?
 *
 * <p>The trial's setup writes 50,000 {@code SET} operations over 5,000 documents, round robin, to a
 * fresh SQLite file ({@link Durability#NORMAL}) and reopens it; each call reads the next page of 1,000 in ordinal
 * order, wrapping around at the end. The file (about 20 MB) stays in the OS page cache, so this is
 * CPU, not disk. <b>The score is per page of 1,000 operations</b>: µs per page is ns per
 * operation.
 *
 * <p>Command (about 40 seconds):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar StoreReadBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StoreReadBenchmark {

  static final int OPERATIONS = 50_000;
  static final int DOCUMENTS = 5_000;
  static final int PAGE = 1_000;

  /** A filled store and the ordinal the next page starts after. */
  @State(Scope.Thread)
  public static class Store {
    JdbcOperationStore store;
    Path tempFolder;
    long after;
    long lastOrdinal;

    @Setup(Level.Trial)
    public void fill() throws IOException {
      tempFolder = Files.createTempDirectory("quire-jmh-read-");
      store = open();
      String hash = StateHash.of(ReducerBenchmark.scopeState(5));
      Instant now = Instant.now();
      int perDocument = OPERATIONS / DOCUMENTS;
      for (int round = 0; round < perDocument; round++) {
        List<StreamAppend> appends = new ArrayList<>(DOCUMENTS);
        for (int document = 0; document < DOCUMENTS; document++) {
          String documentId = "read-doc-" + document;
          ObjectNode input = Json.object().put("path", "/n").put("value", round);
          Action action = new Action(Ids.newId(), JsonDocumentModel.SET, Scopes.GLOBAL, now, input, null);
          String id = Ids.operationId(documentId, Scopes.GLOBAL, Scopes.MAIN_BRANCH, action.id());
          appends.add(new StreamAppend(StreamKey.of(documentId, Scopes.GLOBAL, Scopes.MAIN_BRANCH),
              JsonDocumentModel.DOCUMENT_TYPE, round, List.of(new Operation(id, round, 0, now, hash, action, null))));
        }
        List<OperationWithContext> stored = store.append(new WriteBatch(Ids.newId(), appends));
        lastOrdinal = stored.get(stored.size() - 1).ordinal();
      }
      // Reopened: closing checkpoints the write-ahead log into the file, so the background
      // checkpointer has nothing left to copy while reads are measured.
      store.close();
      store = open();
    }

    private JdbcOperationStore open() {
      return JdbcOperationStore.open("sqlite:" + tempFolder.resolve("quire.db"),
          DatabaseConfig.DEFAULTS.withDurability(Durability.NORMAL));
    }

    @TearDown(Level.Trial)
    public void close() {
      try {
        store.close();
      } finally {
        TempFolders.deleteQuietly(tempFolder);
      }
    }
  }

  @Benchmark
  public List<OperationWithContext> readPage(Store state) {
    List<OperationWithContext> page = state.store.getSinceOrdinal(state.after, PAGE);
    if (page.size() != PAGE) {
      throw new IllegalStateException("Read " + page.size() + " operations after " + state.after + ", expected " + PAGE);
    }
    long last = page.get(PAGE - 1).ordinal();
    state.after = last >= state.lastOrdinal ? 0 : last;
    return page;
  }
}
