package dev.quire.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.model.StateHash;
import dev.quire.model.builtin.JsonDocumentModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: what does the write path pay per action for a {@code quire/json} scope state, and how
 * does that grow with the state's size? {@code JobExecutor} reduces each action with the model
 * ({@link JsonDocumentModel#reduce}) and then hashes the resulting state ({@link StateHash#of}) for
 * the operation it records; both run on the job's thread before the append.
 *
 * <ul>
 *   <li>{@code reduce}: {@code SET /n} (the action the load benchmarks send) on the state; the
 *       reducer deep-copies the state, so this grows with its size.
 *   <li>{@code hash}: the canonical-JSON SHA-256 of the state alone.
 *   <li>{@code reduceAndHash}: both, as {@code JobExecutor} does them for one action.
 * </ul>
 *
 * <p>{@code fields} is the number of top-level fields of the {@code global} state ({@code
 * scopeState}): {@code n} plus alternating numbers and short strings, flat; 5 fields is about
 * 80 bytes of JSON, 100 fields about 1.9 KB. The action and state are fixed, so nothing but the
 * reducer and the hash is measured.
 *
 * <p>Command (about 1 minute with these settings):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar ReducerBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReducerBenchmark {

  /**
   * A flat scope state of {@code fields} top-level fields: {@code n} (the field {@code SET /n}
   * replaces) then {@code f01..} alternating numbers and strings. Shared with {@link
   * SnapshotBenchmark} so both measure the same states.
   */
  static ObjectNode scopeState(int fields) {
    if (fields < 1) {
      throw new IllegalArgumentException("fields must be >= 1, got " + fields);
    }
    ObjectNode state = Json.object();
    state.put("n", 41);
    for (int i = 1; i < fields; i++) {
      String key = String.format("f%02d", i);
      if (i % 2 == 0) {
        state.put(key, i * 1_000 + 7);
      } else {
        state.put(key, "value of field " + i);
      }
    }
    return state;
  }

  /** A {@code global} scope state of {@code fields} fields and the {@code SET} applied to it. */
  @State(Scope.Thread)
  public static class Document {
    @Param({"5", "100"})
    public int fields;

    final JsonDocumentModel model = new JsonDocumentModel();
    JsonNode state;
    Action set;

    @Setup
    public void setUp() {
      state = scopeState(fields);
      ObjectNode input = Json.object();
      input.put("path", "/n");
      input.put("value", 42);
      set = Action.of(JsonDocumentModel.SET, Scopes.GLOBAL, input);
      JsonNode next = model.reduce(state, set);
      if (next.get("n").asLong() != 42 || next.size() != fields) {
        throw new IllegalStateException("SET /n did not produce the expected state: " + next);
      }
    }
  }

  @Benchmark
  public JsonNode reduce(Document document) {
    return document.model.reduce(document.state, document.set);
  }

  @Benchmark
  public String hash(Document document) {
    return StateHash.of(document.state);
  }

  @Benchmark
  public String reduceAndHash(Document document) {
    return StateHash.of(document.model.reduce(document.state, document.set));
  }
}
