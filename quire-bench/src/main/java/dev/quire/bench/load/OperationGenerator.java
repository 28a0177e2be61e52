package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.DocumentScopeState;
import dev.quire.model.Ids;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.StateHash;
import dev.quire.model.SystemActions;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Generates a store's history directly as {@link WriteBatch}es (no jobs, no reducers): {@code
 * documents} {@code quire/json} documents, then one {@code child} edge into every document but the
 * first (a tree of fan-out 10, on the parents' {@code document} scope), then {@code SET} actions on
 * the {@code global} scope, round robin, until {@code operations} in total. Operations carry real
 * state hashes, as the job executor would write them.
 *
 * <p>Not thread-safe; one generation at a time.
 */
final class OperationGenerator {

  static final String DOCUMENT_PREFIX = "rebuild-doc-";
  private static final int FAN_OUT = 10;
  private static final int MODEL_VERSION = new JsonDocumentModel().version();

  private final int documents;
  private final long operations;
  private final int operationsPerBatch;
  private final Instant timestamp = Instant.now();
  private final String[] createdHash;
  private final long[] documentScopeNext;
  private final long[] globalNext;

  /**
   * @param operations total operations; at least {@code 2 * documents - 1} (creates and edges)
   * @param operationsPerBatch operations per appended batch (one transaction)
   */
  OperationGenerator(int documents, long operations, int operationsPerBatch) {
    if (documents < 1) {
      throw new IllegalArgumentException("documents must be >= 1, got " + documents);
    }
    if (operations < 2L * documents - 1) {
      throw new IllegalArgumentException("operations must be at least 2 * documents - 1 (" + (2L * documents - 1)
          + ") to create every document and link it, got " + operations);
    }
    this.documents = documents;
    this.operations = operations;
    this.operationsPerBatch = Math.max(1, operationsPerBatch);
    this.createdHash = new String[documents];
    this.documentScopeNext = new long[documents];
    this.globalNext = new long[documents];
  }

  static String documentId(int document) {
    return DOCUMENT_PREFIX + document;
  }

  /** The value document {@code document}'s {@code /n} holds once every operation is applied; -1 if none. */
  long finalValue(int document) {
    return globalNext[document] - 1;
  }

  /** Hands every batch to {@code sink}, in order; returns the operations generated. */
  long generate(Consumer<WriteBatch> sink) {
    long produced = 0;
    Batcher batcher = new Batcher(sink);
    for (int d = 0; d < documents; d++) {
      batcher.add(d, Scopes.DOCUMENT, create(d));
      produced++;
    }
    batcher.flush();
    for (int d = 1; d < documents; d++) {
      batcher.add((d - 1) / FAN_OUT, Scopes.DOCUMENT, edge((d - 1) / FAN_OUT, d));
      produced++;
    }
    batcher.flush();
    for (long i = 0; produced < operations; i++, produced++) {
      int d = (int) (i % documents);
      batcher.add(d, Scopes.GLOBAL, set(d));
    }
    batcher.flush();
    return produced;
  }

  private Operation create(int d) {
    String id = documentId(d);
    Action action = new Action(Ids.newId(), SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, timestamp,
        CreateDocumentInput.of(JsonDocumentModel.DOCUMENT_TYPE, id).toJson(), null);
    JsonNode state = DocumentScopeState.reduce(null, action, MODEL_VERSION);
    createdHash[d] = StateHash.of(state);
    return operation(id, Scopes.DOCUMENT, documentScopeNext[d]++, action, createdHash[d]);
  }

  private Operation edge(int parent, int child) {
    Action action = new Action(Ids.newId(), SystemActions.ADD_RELATIONSHIP, Scopes.DOCUMENT, timestamp,
        new RelationshipInput(documentId(parent), documentId(child), SystemActions.CHILD_RELATIONSHIP, null).toJson(),
        null);
    // A relationship leaves the document-scope state as it was.
    return operation(documentId(parent), Scopes.DOCUMENT, documentScopeNext[parent]++, action, createdHash[parent]);
  }

  private Operation set(int d) {
    long value = globalNext[d];
    ObjectNode input = Json.object();
    input.put("path", "/n");
    input.put("value", value);
    Action action = new Action(Ids.newId(), JsonDocumentModel.SET, Scopes.GLOBAL, timestamp, input, null);
    ObjectNode state = Json.object();
    state.put("n", value);
    return operation(documentId(d), Scopes.GLOBAL, globalNext[d]++, action, StateHash.of(state));
  }

  private static Operation operation(String documentId, String scope, long index, Action action, String hash) {
    return new Operation(Ids.operationId(documentId, scope, Scopes.MAIN_BRANCH, action.id()), index, 0,
        action.timestamp(), hash, action, null);
  }

  /** Groups operations into batches of about {@code operationsPerBatch}, one append per stream. */
  private final class Batcher {
    private final Consumer<WriteBatch> sink;
    private final Map<StreamKey, List<Operation>> streams = new LinkedHashMap<>();
    private int size;

    Batcher(Consumer<WriteBatch> sink) {
      this.sink = sink;
    }

    void add(int document, String scope, Operation operation) {
      StreamKey key = StreamKey.of(documentId(document), scope, Scopes.MAIN_BRANCH);
      streams.computeIfAbsent(key, k -> new ArrayList<>()).add(operation);
      if (++size >= operationsPerBatch) {
        flush();
      }
    }

    void flush() {
      if (streams.isEmpty()) {
        return;
      }
      List<StreamAppend> appends = new ArrayList<>(streams.size());
      for (Map.Entry<StreamKey, List<Operation>> stream : streams.entrySet()) {
        List<Operation> ops = stream.getValue();
        appends.add(new StreamAppend(stream.getKey(), JsonDocumentModel.DOCUMENT_TYPE, ops.get(0).index(), ops));
      }
      sink.accept(new WriteBatch(Ids.newId(), appends));
      streams.clear();
      size = 0;
    }
  }
}
