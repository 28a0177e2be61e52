package dev.quire.verify.check;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.history.ReadResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-made histories with a consistent final state, which each test then breaks in one way. */
final class Scenario {

  final AtomicLong clock = new AtomicLong();
  final History history = new History(() -> clock.addAndGet(1_000_000)); // each event 1 ms later
  final Map<StreamKey, List<StoredOp>> streams = new LinkedHashMap<>();
  final Map<String, DocState> viewOverrides = new HashMap<>();
  final List<String> unconverged = new ArrayList<>();
  Map<String, List<String>> sideItems;

  Op create(String client, String doc) {
    History.Invocation call = history.invoke(client, OpKind.CREATE, doc).jobId("job-create-" + doc);
    ObjectNode input = Json.object().put("documentType", "quire/json").put("id", doc);
    long index = store(StreamKey.of(doc, Scopes.DOCUMENT, Scopes.MAIN_BRANCH), SystemActions.CREATE_DOCUMENT, input);
    return call.write(Outcome.OK, "READ_READY", null, List.of(coordinate(doc, Scopes.DOCUMENT, index)));
  }

  Op append(String client, String doc, long seq) {
    return append(client, doc, seq, Outcome.OK, "READ_READY", true);
  }

  /** An append whose history says {@code outcome} and which is {@code stored} or not. */
  Op append(String client, String doc, long seq, Outcome outcome, String status, boolean stored) {
    String element = client + "-" + seq;
    History.Invocation call = history.invoke(client, OpKind.APPEND, doc).element(element, seq).waitMillis(5_000);
    List<ConsistencyCoordinate> token = List.of();
    if (stored) {
      long index = storeAppend(doc, client, element, seq);
      token = outcome == Outcome.OK ? List.of(coordinate(doc, Scopes.GLOBAL, index)) : List.of();
    }
    return call.write(outcome, status, null, token);
  }

  /** Writes an append's two operations to the store only; returns the index of the second. */
  long storeAppend(String doc, String client, String element, long seq) {
    StreamKey global = StreamKey.of(doc, Scopes.GLOBAL, Scopes.MAIN_BRANCH);
    ObjectNode patch = Json.object();
    patch.putArray("operations").addObject().put("op", "add").put("path", "/items/-").put("value", element);
    store(global, "PATCH", patch);
    return store(global, "SET", Json.object().put("path", "/counters/" + client).put("value", seq));
  }

  Op delete(String client, String doc) {
    History.Invocation call = history.invoke(client, OpKind.DELETE, doc);
    long index = store(StreamKey.of(doc, Scopes.DOCUMENT, Scopes.MAIN_BRANCH), SystemActions.DELETE_DOCUMENT,
        Json.object().put("documentId", doc));
    return call.write(Outcome.OK, "READ_READY", null, List.of(coordinate(doc, Scopes.DOCUMENT, index)));
  }

  Op edge(String client, OpKind kind, String source, String target) {
    History.Invocation call = history.invoke(client, kind, source).target(target);
    String type = kind == OpKind.ADD_EDGE ? SystemActions.ADD_RELATIONSHIP : SystemActions.REMOVE_RELATIONSHIP;
    long index = store(StreamKey.of(source, Scopes.DOCUMENT, Scopes.MAIN_BRANCH), type,
        Json.object().put("sourceId", source).put("targetId", target).put("relationshipType", "link"));
    return call.write(Outcome.OK, "READ_READY", null, List.of(coordinate(source, Scopes.DOCUMENT, index)));
  }

  Op readDoc(String client, String doc, List<ConsistencyCoordinate> token, List<String> items) {
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String element : items) {
      String[] parts = element.split("-");
      counters.merge(parts[0], Long.parseLong(parts[1]), Math::max);
    }
    return readDoc(client, doc, token, ReadResult.document(items, counters));
  }

  Op readDoc(String client, String doc, List<ConsistencyCoordinate> token, ReadResult result) {
    return history.invoke(client, OpKind.READ_DOC, doc).waitMillis(5_000).read("SATISFIED", token, result);
  }

  Op readEdges(String client, String doc, List<ConsistencyCoordinate> token, Set<String> edges) {
    return history.invoke(client, OpKind.READ_EDGES, doc).waitMillis(5_000)
        .read("SATISFIED", token, ReadResult.edges(edges));
  }

  long store(StreamKey stream, String type, com.fasterxml.jackson.databind.JsonNode input) {
    List<StoredOp> ops = streams.computeIfAbsent(stream, k -> new ArrayList<>());
    long index = ops.size();
    ops.add(new StoredOp(stream, index, "a-" + stream + "-" + index, type, input, null));
    return index;
  }

  static ConsistencyCoordinate coordinate(String doc, String scope, long index) {
    return new ConsistencyCoordinate(doc, scope, Scopes.MAIN_BRANCH, index);
  }

  /** The final state a correct system would have, from the store, with the overrides applied. */
  FinalState finalState() {
    Map<String, DocState> view = new HashMap<>();
    Map<String, Set<String>> edges = new HashMap<>();
    Map<String, List<String>> items = new HashMap<>();
    Set<String> docs = new LinkedHashSet<>();
    streams.keySet().forEach(key -> docs.add(key.documentId()));
    for (String doc : docs) {
      List<StoredOp> document = streams.getOrDefault(StreamKey.of(doc, Scopes.DOCUMENT, Scopes.MAIN_BRANCH), List.of());
      List<StoredOp> global = streams.getOrDefault(StreamKey.of(doc, Scopes.GLOBAL, Scopes.MAIN_BRANCH), List.of());
      boolean deleted = document.stream().anyMatch(op -> op.actionType().equals(SystemActions.DELETE_DOCUMENT));
      ObjectNode state = Json.object();
      var array = state.putArray("items");
      ObjectNode counters = state.putObject("counters");
      List<String> docItems = new ArrayList<>();
      for (StoredOp op : global) {
        if (op.appendedElement() != null) {
          array.add(op.appendedElement());
          docItems.add(op.appendedElement());
        }
        if (op.counterClient() != null) {
          counters.put(op.counterClient(), op.input().path("value").asLong());
        }
      }
      items.put(doc, docItems);
      Map<String, Long> revision = new HashMap<>();
      revision.put(Scopes.DOCUMENT, (long) document.size());
      revision.put(Scopes.GLOBAL, (long) global.size());
      view.put(doc, deleted ? DocState.absent() : new DocState(true, state, revision));
      Set<String> targets = new LinkedHashSet<>();
      for (StoredOp op : document) {
        if (op.linkTarget() != null) {
          if (op.actionType().equals(SystemActions.ADD_RELATIONSHIP)) {
            targets.add(op.linkTarget());
          } else {
            targets.remove(op.linkTarget());
          }
        }
      }
      if (!targets.isEmpty()) {
        edges.put(doc, targets);
      }
    }
    Map<String, DocState> rebuilt = new HashMap<>(view);
    view.putAll(viewOverrides);
    return new FinalState(streams, view, rebuilt, edges, edges, sideItems != null ? sideItems : items, unconverged);
  }

  CheckResult check() {
    return new Checker(1_000).check(history.ops(), finalState());
  }
}
