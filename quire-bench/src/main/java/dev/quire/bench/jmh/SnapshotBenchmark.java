package dev.quire.bench.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Json;
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
 * Question: what does the JDBC document view pay to turn a scope state into the JSON text of its
 * snapshot row, and to turn that text back into a tree when a document is read? {@code
 * JdbcDocumentView} writes each changed scope's snapshot with {@code
 * Json.mapper().writeValueAsString(state)} on its writer thread and parses it with {@code
 * Json.mapper().readTree(text)} on every read that loads the snapshot; this measures exactly those
 * two calls, without the database.
 *
 * <p>{@code fields} sizes the state as in {@link ReducerBenchmark} (the same states): 5 fields is
 * about 80 bytes of JSON, 100 fields about 1.9 KB.
 *
 * <p>Command (about 1 minute with these settings):
 *
 * <pre>
 * ./mvnw -q -B -pl quire-bench -am package -DskipTests
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar quire-bench/target/benchmarks.jar SnapshotBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SnapshotBenchmark {

  /** A scope state of {@code fields} fields and its stored text. */
  @State(Scope.Thread)
  public static class Snapshot {
    @Param({"5", "100"})
    public int fields;

    JsonNode state;
    String text;

    @Setup
    public void setUp() throws JsonProcessingException {
      state = ReducerBenchmark.scopeState(fields);
      text = Json.mapper().writeValueAsString(state);
      if (!Json.mapper().readTree(text).equals(state)) {
        throw new IllegalStateException("The snapshot text does not parse back to the state: " + text);
      }
    }
  }

  @Benchmark
  public String write(Snapshot snapshot) throws JsonProcessingException {
    return Json.mapper().writeValueAsString(snapshot.state);
  }

  @Benchmark
  public JsonNode parse(Snapshot snapshot) throws JsonProcessingException {
    return Json.mapper().readTree(snapshot.text);
  }
}
