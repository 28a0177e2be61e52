package dev.quire.verify.check;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.history.ReadResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a recorded history against the final state of the system, invariant by invariant (see
 * {@link Invariant}). Pure: no I/O, no clock; the same input gives the same verdict.
 *
 * <p>The workload makes every write identifiable: an APPEND adds a unique element to a document's
 * {@code /items} and sets {@code /counters/<client>} to the client's sequence number in the same
 * job, so the store's history tells which writes happened, how often and in which order, and every
 * read's items must be a prefix of that order. Edge writes are counted per (source, type, target).
 */
public final class Checker {

  /** Latency a wait may exceed its deadline by: timer resolution, scheduling, HTTP. */
  public static final long DEFAULT_WAIT_SLACK_MILLIS = 2_000;

  private static final int MAX_EVIDENCE = 12;

  private final long waitSlackMillis;

  public Checker(long waitSlackMillis) {
    if (waitSlackMillis < 0) {
      throw new IllegalArgumentException("waitSlackMillis must be >= 0, got " + waitSlackMillis);
    }
    this.waitSlackMillis = waitSlackMillis;
  }

  public Checker() {
    this(DEFAULT_WAIT_SLACK_MILLIS);
  }

  public CheckResult check(List<Op> history, FinalState state) {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(state, "state");
    Model model = new Model(history, state);
    return new CheckResult(List.of(
        writesExactlyOnce(model),
        noPhantomWrites(model),
        streamsContiguous(model),
        viewMatchesStore(model),
        rebuildEqualsLive(model),
        sideModelMatchesStore(model),
        readsArePrefixes(model),
        tokenReadsReflectWrites(model),
        waitsBoundedAndTyped(model),
        converged(model)));
  }

  // ------------------------------------------------------------------------------ invariants

  private InvariantResult writesExactlyOnce(Model m) {
    List<Violation> violations = new ArrayList<>();
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : m.ops) {
      if (op.kind().isWrite()) {
        byKey.computeIfAbsent(writeKey(op), k -> new ArrayList<>()).add(op);
      }
    }
    for (Map.Entry<String, List<Op>> entry : byKey.entrySet()) {
      List<Op> ops = entry.getValue();
      Op first = ops.get(0);
      long ok = ops.stream().filter(op -> op.outcome() == Outcome.OK).count();
      long unknown = ops.stream().filter(op -> op.outcome() == Outcome.INFO).count();
      List<StoredOp> stored = m.storedFor(first);
      if (stored.size() < ok) {
        violations.add(new Violation(Invariant.WRITES_EXACTLY_ONCE,
            "lost write: " + ok + " acknowledged " + describeKey(first) + " but the store holds " + stored.size(),
            ops.stream().filter(op -> op.outcome() == Outcome.OK).toList(),
            m.streamExcerpt(first)));
      } else if (stored.size() > ok + unknown) {
        long failed = ops.stream().filter(op -> op.outcome() == Outcome.FAIL).count();
        violations.add(new Violation(Invariant.WRITES_EXACTLY_ONCE,
            (failed > 0 ? "failed write present: " : "duplicated write: ") + describeKey(first)
                + " was attempted " + ops.size() + " time(s) (" + ok + " acknowledged, " + unknown + " unknown, " + failed + " failed) but the store holds it "
                + stored.size() + " time(s)",
            ops, stored.stream().map(StoredOp::describe).limit(MAX_EVIDENCE).toList()));
      }
    }
    return new InvariantResult(Invariant.WRITES_EXACTLY_ONCE, byKey.size(), violations);
  }

  private InvariantResult noPhantomWrites(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    for (List<StoredOp> stream : m.state.streams().values()) {
      for (StoredOp stored : stream) {
        String element = stored.appendedElement();
        if (element != null) {
          checks++;
          if (!m.appendsByElement.containsKey(element)) {
            violations.add(new Violation(Invariant.NO_PHANTOM_WRITES,
                "phantom element " + element + " in " + stored.stream() + " that no client appended",
                List.of(), List.of(stored.describe())));
          }
        } else if (SystemActions.CREATE_DOCUMENT.equals(stored.actionType())) {
          checks++;
          if (!m.createdIds.contains(stored.stream().documentId())) {
            violations.add(new Violation(Invariant.NO_PHANTOM_WRITES,
                "document " + stored.stream().documentId() + " created although no client created it",
                List.of(), List.of(stored.describe())));
          }
        }
      }
    }
    return new InvariantResult(Invariant.NO_PHANTOM_WRITES, checks, violations);
  }

  private InvariantResult streamsContiguous(Model m) {
    List<Violation> violations = new ArrayList<>();
    for (Map.Entry<StreamKey, List<StoredOp>> entry : sortedStreams(m.state.streams())) {
      List<StoredOp> stream = entry.getValue();
      for (int i = 0; i < stream.size(); i++) {
        if (stream.get(i).index() != i) {
          List<String> evidence = new ArrayList<>();
          for (int j = Math.max(0, i - 2); j < Math.min(stream.size(), i + 3); j++) {
            evidence.add("position " + j + ": " + stream.get(j).describe());
          }
          violations.add(new Violation(Invariant.STREAMS_CONTIGUOUS,
              "stream " + entry.getKey() + " has index " + stream.get(i).index() + " at position " + i,
              m.opsOn(entry.getKey().documentId(), 3), evidence));
          break;
        }
      }
    }
    return new InvariantResult(Invariant.STREAMS_CONTIGUOUS, m.state.streams().size(), violations);
  }

  private InvariantResult viewMatchesStore(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    for (String doc : m.documents) {
      DocState view = m.state.view().get(doc);
      if (view == null) {
        continue;
      }
      checks++;
      DocLog log = m.log(doc);
      boolean live = log.created && !log.deleted;
      if (view.found() != live) {
        violations.add(new Violation(Invariant.VIEW_MATCHES_STORE,
            "document " + doc + " is " + (view.found() ? "" : "not ") + "found in the view but the store says it is "
                + (log.created ? log.deleted ? "deleted" : "live" : "never created"),
            m.opsOn(doc, 4), log.documentExcerpt()));
        continue;
      }
      if (live) {
        List<String> problems = new ArrayList<>();
        if (!view.items().equals(log.items)) {
          problems.add("items differ: view " + abbreviate(view.items()) + " store " + abbreviate(log.items));
        }
        if (!view.counters().equals(log.counters)) {
          problems.add("counters differ: view " + view.counters() + " store " + log.counters);
        }
        if (!nonZero(view.revision()).equals(nonZero(log.revisions()))) {
          problems.add("revisions differ: view " + view.revision() + " store " + log.revisions());
        }
        if (!problems.isEmpty()) {
          violations.add(new Violation(Invariant.VIEW_MATCHES_STORE,
              "document " + doc + ": " + String.join("; ", problems), m.opsOn(doc, 4), log.globalExcerpt()));
        }
      }
    }
    for (Map.Entry<String, Set<String>> entry : new TreeMap<>(m.state.edges()).entrySet()) {
      checks++;
      String doc = entry.getKey();
      Set<String> expected = m.log(doc).edgesAfter(Integer.MAX_VALUE);
      if (!entry.getValue().equals(expected)) {
        violations.add(new Violation(Invariant.VIEW_MATCHES_STORE,
            "relationship index of " + doc + " holds " + new TreeSet<>(entry.getValue()) + " but the store's edge history gives "
                + new TreeSet<>(expected),
            m.opsOn(doc, 4), m.log(doc).documentExcerpt()));
      }
    }
    return new InvariantResult(Invariant.VIEW_MATCHES_STORE, checks, violations);
  }

  private InvariantResult rebuildEqualsLive(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    if (m.state.rebuiltView() != null) {
      for (String doc : m.documents) {
        DocState live = m.state.view().get(doc);
        DocState rebuilt = m.state.rebuiltView().getOrDefault(doc, DocState.absent());
        if (live == null) {
          continue;
        }
        checks++;
        if (!sameDocument(live, rebuilt)) {
          violations.add(new Violation(Invariant.REBUILD_EQUALS_LIVE,
              "document " + doc + ": live view " + live + " but a rebuild from the store gives " + rebuilt,
              m.opsOn(doc, 4), m.log(doc).globalExcerpt()));
        }
      }
    }
    if (m.state.rebuiltEdges() != null) {
      Set<String> docs = new TreeSet<>(m.state.edges().keySet());
      docs.addAll(m.state.rebuiltEdges().keySet());
      for (String doc : docs) {
        checks++;
        Set<String> live = m.state.edges().getOrDefault(doc, Set.of());
        Set<String> rebuilt = m.state.rebuiltEdges().getOrDefault(doc, Set.of());
        if (!live.equals(rebuilt)) {
          violations.add(new Violation(Invariant.REBUILD_EQUALS_LIVE,
              "edges of " + doc + ": live index " + new TreeSet<>(live) + ", rebuilt " + new TreeSet<>(rebuilt),
              m.opsOn(doc, 4), m.log(doc).documentExcerpt()));
        }
      }
    }
    return new InvariantResult(Invariant.REBUILD_EQUALS_LIVE, checks, violations);
  }

  private InvariantResult sideModelMatchesStore(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    if (m.state.sideItems() != null) {
      for (String doc : m.documents) {
        DocLog log = m.log(doc);
        if (!log.created) {
          continue;
        }
        checks++;
        List<String> side = m.state.sideItems().getOrDefault(doc, List.of());
        if (!side.equals(log.items)) {
          List<String> missing = new ArrayList<>(log.items);
          missing.removeAll(side);
          List<Op> excerpt = missing.stream().map(m.appendsByElement::get).filter(Objects::nonNull).limit(4).toList();
          violations.add(new Violation(Invariant.SIDE_MODEL_MATCHES_STORE,
              "side read model holds " + abbreviate(side) + " for " + doc + " but the store has " + abbreviate(log.items)
                  + (missing.isEmpty() ? "" : " (missing " + abbreviate(missing) + ")"),
              excerpt, log.globalExcerpt()));
        }
      }
    }
    return new InvariantResult(Invariant.SIDE_MODEL_MATCHES_STORE, checks, violations);
  }

  private InvariantResult readsArePrefixes(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    for (Op op : m.ops) {
      ReadResult read = op.read();
      if (read == null || !read.found()) {
        continue;
      }
      DocLog log = m.log(op.documentId());
      if (op.kind() == OpKind.READ_DOC || op.kind() == OpKind.READ_ITEMS) {
        checks++;
        List<String> items = read.items();
        int mismatch = firstMismatch(items, log.items);
        if (mismatch >= 0) {
          String element = items.get(mismatch);
          Op writer = m.appendsByElement.get(element);
          List<Op> excerpt = new ArrayList<>();
          excerpt.add(op);
          if (writer != null) {
            excerpt.add(writer);
          }
          violations.add(new Violation(Invariant.READS_ARE_PREFIXES,
              "read of " + op.documentId() + " is not a prefix of the store's history: position " + mismatch + " holds "
                  + element + " where the store has " + (mismatch < log.items.size() ? log.items.get(mismatch) : "nothing"),
              excerpt, log.globalExcerpt()));
          continue;
        }
        if (op.kind() == OpKind.READ_DOC) {
          Map<String, Long> expected = new TreeMap<>();
          for (String element : items) {
            Op writer = m.appendsByElement.get(element);
            if (writer != null) {
              expected.merge(writer.client(), writer.seq(), Math::max);
            }
          }
          if (!new TreeMap<>(read.counters()).equals(expected)) {
            violations.add(new Violation(Invariant.READS_ARE_PREFIXES,
                "read of " + op.documentId() + " has counters " + new TreeMap<>(read.counters())
                    + " but its items imply " + expected + " (a job's two actions seen apart)",
                List.of(op), log.globalExcerpt()));
          }
        }
      } else if (op.kind() == OpKind.READ_EDGES) {
        checks++;
        if (log.firstEdgePrefixMatching(read.edges(), -1) < -1) {
          violations.add(new Violation(Invariant.READS_ARE_PREFIXES,
              "edges " + new TreeSet<>(read.edges()) + " of " + op.documentId()
                  + " match no prefix of the store's edge history",
              m.opsOn(op.documentId(), 3, op), log.documentExcerpt()));
        }
      }
    }
    return new InvariantResult(Invariant.READS_ARE_PREFIXES, checks, violations);
  }

  private InvariantResult tokenReadsReflectWrites(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    for (Op op : m.ops) {
      if (op.kind().isWrite() || op.outcome() != Outcome.OK || op.read() == null) {
        continue;
      }
      String doc = op.documentId();
      DocLog log = m.log(doc);
      ReadResult read = op.read();
      StreamKey global = StreamKey.of(doc, Scopes.GLOBAL, Scopes.MAIN_BRANCH);
      StreamKey document = StreamKey.of(doc, Scopes.DOCUMENT, Scopes.MAIN_BRANCH);
      long globalIndex = coveredIndex(op.token(), global);
      long documentIndex = coveredIndex(op.token(), document);
      if (!read.found()) {
        // Only a deletion invoked before the read ended explains a missing document that the read
        // had to see (its token covers it, or its creation was READ_READY before the read began).
        Op ackedCreate = m.readReadyCreates.get(doc);
        boolean mustExist = globalIndex >= 0 || documentIndex >= 0
            || (ackedCreate != null && ackedCreate.completeNanos() < op.invokeNanos());
        if (mustExist) {
          checks++;
          boolean deletedInTime = log.deleted && m.deletes.getOrDefault(doc, List.of()).stream()
              .anyMatch(delete -> delete.outcome() != Outcome.FAIL && delete.invokeNanos() < op.completeNanos());
          if (!deletedInTime) {
            List<Op> excerpt = new ArrayList<>();
            excerpt.add(op);
            if (ackedCreate != null) {
              excerpt.add(ackedCreate);
            }
            violations.add(new Violation(Invariant.TOKEN_READS_REFLECT_WRITES,
                "read of " + doc + " answered not-found although " + (op.hasToken() ? "its token covers the document"
                    : "its creation was READ_READY before the read began") + " and no deletion explains it",
                excerpt, log.documentExcerpt()));
          }
        }
        continue;
      }
      if (op.kind() == OpKind.READ_DOC || op.kind() == OpKind.READ_ITEMS) {
        // Writes the read must reflect: those its token covers, and those READ_READY before it began.
        int required = log.itemsUpTo(globalIndex);
        int acked = m.readReadyPositionBefore(doc, op.invokeNanos());
        if (globalIndex >= 0 || acked >= 0) {
          checks++;
        }
        int need = Math.max(required, acked + 1);
        if (read.items().size() < need) {
          List<String> missing = log.items.subList(read.items().size(), Math.min(need, log.items.size()));
          List<Op> excerpt = new ArrayList<>();
          excerpt.add(op);
          missing.stream().limit(3).map(m.appendsByElement::get).filter(Objects::nonNull).forEach(excerpt::add);
          String why = required >= need
              ? "its token covers " + global + "@" + globalIndex + " (" + required + " items)"
              : "writes acknowledged READ_READY before it began put " + need + " items there";
          violations.add(new Violation(Invariant.TOKEN_READS_REFLECT_WRITES,
              op.kind() + " of " + doc + " saw " + read.items().size() + " items but " + why + "; missing "
                  + abbreviate(missing),
              excerpt, log.globalExcerptAround(read.items().size(), need)));
        } else if (op.kind() == OpKind.READ_DOC && documentIndex >= 0 && log.deletedAtOrBefore(documentIndex)) {
          checks++;
          violations.add(new Violation(Invariant.TOKEN_READS_REFLECT_WRITES,
              "read of " + doc + " found the document although its token covers its deletion",
              List.of(op), log.documentExcerpt()));
        }
      } else if (op.kind() == OpKind.READ_EDGES && documentIndex >= 0) {
        checks++;
        if (log.firstEdgePrefixMatching(read.edges(), documentIndex) < documentIndex) {
          List<Op> excerpt = new ArrayList<>();
          excerpt.add(op);
          excerpt.addAll(m.edgeWritesCovered(doc, documentIndex, op));
          violations.add(new Violation(Invariant.TOKEN_READS_REFLECT_WRITES,
              "edges of " + doc + " read as " + new TreeSet<>(read.edges()) + " but the token covers " + document + "@"
                  + documentIndex + ", after which the store's edges are " + new TreeSet<>(log.edgesAfter(documentIndex)),
              excerpt, log.documentExcerpt()));
        }
      }
    }
    return new InvariantResult(Invariant.TOKEN_READS_REFLECT_WRITES, checks, violations);
  }

  private InvariantResult waitsBoundedAndTyped(Model m) {
    List<Violation> violations = new ArrayList<>();
    long checks = 0;
    for (Op op : m.ops) {
      boolean waited = op.waitMillis() > 0;
      if (waited || op.status().startsWith("UNTYPED")) {
        checks++;
      }
      if (op.status().startsWith("UNTYPED")) {
        violations.add(new Violation(Invariant.WAITS_BOUNDED_AND_TYPED,
            op.kind() + " on " + op.documentId() + " ended without a typed outcome: " + op.status(), List.of(op),
            List.of()));
      } else if (waited && !op.faultAffected() && op.latencyMillis() > op.waitMillis() + waitSlackMillis) {
        violations.add(new Violation(Invariant.WAITS_BOUNDED_AND_TYPED,
            op.kind() + " on " + op.documentId() + " waited " + op.latencyMillis() + " ms for a deadline of "
                + op.waitMillis() + " ms (slack " + waitSlackMillis + " ms)", List.of(op), List.of()));
      }
    }
    return new InvariantResult(Invariant.WAITS_BOUNDED_AND_TYPED, checks, violations);
  }

  private InvariantResult converged(Model m) {
    List<Violation> violations = m.state.unconverged().stream()
        .map(problem -> new Violation(Invariant.CONVERGED, problem, List.of(), List.of()))
        .toList();
    return new InvariantResult(Invariant.CONVERGED, 1 + m.state.view().size(), violations);
  }

  // --------------------------------------------------------------------------------- helpers

  private static String writeKey(Op op) {
    return switch (op.kind()) {
      case APPEND -> "append:" + op.element();
      case CREATE -> "create:" + op.documentId();
      case DELETE -> "delete:" + op.documentId();
      case ADD_EDGE -> "add:" + op.documentId() + "->" + op.target();
      case REMOVE_EDGE -> "remove:" + op.documentId() + "->" + op.target();
      default -> throw new IllegalArgumentException("not a write: " + op.kind());
    };
  }

  private static String describeKey(Op op) {
    return switch (op.kind()) {
      case APPEND -> "append of " + op.element() + " to " + op.documentId();
      case CREATE -> "creation of " + op.documentId();
      case DELETE -> "deletion of " + op.documentId();
      case ADD_EDGE -> "edge " + op.documentId() + " → " + op.target() + " added";
      case REMOVE_EDGE -> "edge " + op.documentId() + " → " + op.target() + " removed";
      default -> op.kind().name();
    };
  }

  private static List<Map.Entry<StreamKey, List<StoredOp>>> sortedStreams(Map<StreamKey, List<StoredOp>> streams) {
    List<Map.Entry<StreamKey, List<StoredOp>>> sorted = new ArrayList<>(streams.entrySet());
    sorted.sort(Map.Entry.comparingByKey(Comparator.comparing(StreamKey::toString)));
    return sorted;
  }

  static long coveredIndex(List<ConsistencyCoordinate> token, StreamKey stream) {
    long index = -1;
    for (ConsistencyCoordinate c : token) {
      if (c.key().equals(stream)) {
        index = Math.max(index, c.operationIndex());
      }
    }
    return index;
  }

  private static int firstMismatch(List<String> read, List<String> store) {
    for (int i = 0; i < read.size(); i++) {
      if (i >= store.size() || !read.get(i).equals(store.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameDocument(DocState a, DocState b) {
    if (a.found() != b.found()) {
      return false;
    }
    return !a.found() || (Objects.equals(a.global(), b.global()) && nonZero(a.revision()).equals(nonZero(b.revision())));
  }

  private static Map<String, Long> nonZero(Map<String, Long> revision) {
    Map<String, Long> result = new TreeMap<>();
    revision.forEach((scope, next) -> {
      if (next != 0) {
        result.put(scope, next);
      }
    });
    return result;
  }

  static String abbreviate(Collection<String> items) {
    if (items.size() <= 8) {
      return items.toString();
    }
    List<String> list = new ArrayList<>(items);
    return "[" + String.join(", ", list.subList(0, 3)) + ", … " + (list.size() - 6) + " more …, "
        + String.join(", ", list.subList(list.size() - 3, list.size())) + "] (" + list.size() + ")";
  }

  /** The history and final state, indexed for the checks. */
  private static final class Model {
    final List<Op> ops;
    final FinalState state;
    final Map<String, Op> appendsByElement = new HashMap<>();
    final Set<String> createdIds = new HashSet<>();
    final Map<String, Op> readReadyCreates = new HashMap<>();
    final Map<String, List<Op>> deletes = new HashMap<>();
    final Map<String, List<Op>> opsByDoc = new HashMap<>();
    final Set<String> documents = new TreeSet<>();
    final Map<String, DocLog> logs = new HashMap<>();
    /** Per document: READ_READY appends by completion, with the running max of their store positions. */
    final Map<String, long[]> ackTimes = new HashMap<>();
    final Map<String, int[]> ackMaxPosition = new HashMap<>();
    final Map<String, List<Op>> edgeWrites = new HashMap<>();

    Model(List<Op> ops, FinalState state) {
      this.ops = ops;
      this.state = state;
      for (Op op : ops) {
        documents.add(op.documentId());
        opsByDoc.computeIfAbsent(op.documentId(), d -> new ArrayList<>()).add(op);
        switch (op.kind()) {
          case APPEND -> appendsByElement.put(op.element(), op);
          case CREATE -> {
            createdIds.add(op.documentId());
            if (op.outcome() == Outcome.OK && "READ_READY".equals(op.status())) {
              readReadyCreates.put(op.documentId(), op);
            }
          }
          case DELETE -> deletes.computeIfAbsent(op.documentId(), d -> new ArrayList<>()).add(op);
          default -> {}
        }
      }
      state.streams().keySet().forEach(key -> documents.add(key.documentId()));
      Map<String, List<Op>> acked = new HashMap<>();
      for (Op op : ops) {
        if (op.kind() == OpKind.APPEND && op.outcome() == Outcome.OK && "READ_READY".equals(op.status())) {
          acked.computeIfAbsent(op.documentId(), d -> new ArrayList<>()).add(op);
        }
      }
      acked.forEach((doc, list) -> {
        list.sort(Comparator.comparingLong(Op::completeNanos));
        DocLog log = log(doc);
        long[] times = new long[list.size()];
        int[] maxPosition = new int[list.size()];
        int max = -1;
        for (int i = 0; i < list.size(); i++) {
          times[i] = list.get(i).completeNanos();
          max = Math.max(max, log.positionOf(list.get(i).element()));
          maxPosition[i] = max;
        }
        ackTimes.put(doc, times);
        ackMaxPosition.put(doc, maxPosition);
      });
    }

    DocLog log(String doc) {
      return logs.computeIfAbsent(doc, d -> new DocLog(
          state.streams().getOrDefault(StreamKey.of(d, Scopes.GLOBAL, Scopes.MAIN_BRANCH), List.of()),
          state.streams().getOrDefault(StreamKey.of(d, Scopes.DOCUMENT, Scopes.MAIN_BRANCH), List.of()),
          state.streams().entrySet().stream().filter(e -> e.getKey().documentId().equals(d)).toList()));
    }

    /** Highest store position among the doc's appends acknowledged READ_READY before {@code nanos}; -1 if none. */
    int readReadyPositionBefore(String doc, long nanos) {
      long[] times = ackTimes.get(doc);
      if (times == null) {
        return -1;
      }
      int count = lowerBound(times, nanos);
      return count == 0 ? -1 : ackMaxPosition.get(doc)[count - 1];
    }

    List<StoredOp> storedFor(Op op) {
      DocLog log = log(op.documentId());
      return switch (op.kind()) {
        case APPEND -> log.all.stream().filter(s -> op.element().equals(s.appendedElement())).toList();
        case CREATE -> log.document.stream()
            .filter(s -> SystemActions.CREATE_DOCUMENT.equals(s.actionType())).toList();
        case DELETE -> log.document.stream()
            .filter(s -> SystemActions.DELETE_DOCUMENT.equals(s.actionType())).toList();
        // Over HTTP a PUT of an edge that already exists replaces its metadata: UPDATE_RELATIONSHIP.
        case ADD_EDGE -> log.document.stream()
            .filter(s -> (SystemActions.ADD_RELATIONSHIP.equals(s.actionType())
                    || SystemActions.UPDATE_RELATIONSHIP.equals(s.actionType()))
                && op.target().equals(s.linkTarget()))
            .toList();
        case REMOVE_EDGE -> log.document.stream()
            .filter(s -> SystemActions.REMOVE_RELATIONSHIP.equals(s.actionType()) && op.target().equals(s.linkTarget()))
            .toList();
        default -> List.of();
      };
    }

    List<String> streamExcerpt(Op op) {
      DocLog log = log(op.documentId());
      List<StoredOp> stream = op.kind() == OpKind.APPEND ? log.global : log.document;
      List<String> lines = new ArrayList<>();
      int from = Math.max(0, stream.size() - MAX_EVIDENCE);
      if (from > 0) {
        lines.add("… " + from + " earlier operations of the stream");
      }
      stream.subList(from, stream.size()).forEach(s -> lines.add(s.describe()));
      if (stream.isEmpty()) {
        lines.add("the store has no operation on " + op.documentId() + (op.kind() == OpKind.APPEND ? " (global)" : " (document)"));
      }
      return lines;
    }

    List<Op> opsOn(String doc, int limit, Op... first) {
      List<Op> result = new ArrayList<>(Arrays.asList(first));
      List<Op> all = opsByDoc.getOrDefault(doc, List.of());
      all.stream().filter(op -> op.kind().isWrite()).limit(limit).filter(op -> !result.contains(op)).forEach(result::add);
      return result;
    }

    /** The last few edge writes on {@code doc} invoked before {@code read}: the writes a stale edge read may have missed. */
    List<Op> edgeWritesCovered(String doc, long index, Op read) {
      List<Op> writes = edgeWrites.computeIfAbsent(doc, d -> opsByDoc.getOrDefault(d, List.of()).stream()
          .filter(op -> op.kind().isEdgeWrite())
          .sorted(Comparator.comparingLong(Op::invokeNanos))
          .toList());
      int low = 0;
      int high = writes.size();
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (writes.get(mid).invokeNanos() < read.invokeNanos()) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      List<Op> result = new ArrayList<>(writes.subList(Math.max(0, low - 3), low));
      java.util.Collections.reverse(result);
      return result;
    }

    private static int lowerBound(long[] sorted, long value) {
      int low = 0;
      int high = sorted.length;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (sorted[mid] < value) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }
  }

  /** One document's final store history, with what the checks derive from it. */
  private static final class DocLog {
    final List<StoredOp> global;
    final List<StoredOp> document;
    final List<StoredOp> all = new ArrayList<>();
    final Map<StreamKey, Integer> sizes = new LinkedHashMap<>();
    final List<String> items = new ArrayList<>();
    /** Store index of each item's operation, ascending. */
    final long[] itemIndexes;
    final Map<String, Integer> positions = new HashMap<>();
    final Map<String, Long> counters = new LinkedHashMap<>();
    final boolean created;
    final boolean deleted;

    DocLog(List<StoredOp> global, List<StoredOp> document, List<Map.Entry<StreamKey, List<StoredOp>>> streams) {
      this.global = global;
      this.document = document;
      streams.forEach(e -> {
        all.addAll(e.getValue());
        sizes.put(e.getKey(), e.getValue().size());
      });
      List<Long> indexes = new ArrayList<>();
      for (StoredOp op : global) {
        if (op.error() != null) {
          continue;
        }
        String element = op.appendedElement();
        if (element != null) {
          positions.putIfAbsent(element, items.size());
          items.add(element);
          indexes.add(op.index());
        }
        String client = op.counterClient();
        if (client != null) {
          counters.put(client, op.input().path("value").asLong());
        }
      }
      itemIndexes = indexes.stream().mapToLong(Long::longValue).toArray();
      created = document.stream().anyMatch(op -> SystemActions.CREATE_DOCUMENT.equals(op.actionType()));
      deleted = document.stream().anyMatch(op -> SystemActions.DELETE_DOCUMENT.equals(op.actionType()) && op.error() == null);
    }

    Map<String, Long> revisions() {
      Map<String, Long> revisions = new TreeMap<>();
      sizes.forEach((key, size) -> {
        if (key.branch().equals(Scopes.MAIN_BRANCH)) {
          revisions.put(key.scope(), (long) size);
        }
      });
      return revisions;
    }

    int positionOf(String element) {
      return positions.getOrDefault(element, -1); // a lost write is reported by writes-exactly-once
    }

    /** How many items were added by operations with index at most {@code index}. */
    int itemsUpTo(long index) {
      if (index < 0) {
        return 0;
      }
      int low = 0;
      int high = itemIndexes.length;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (itemIndexes[mid] <= index) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    boolean deletedAtOrBefore(long index) {
      return document.stream().anyMatch(op -> op.index() <= index
          && SystemActions.DELETE_DOCUMENT.equals(op.actionType()) && op.error() == null);
    }

    /** The link targets after replaying the document stream's operations with index at most {@code index}. */
    Set<String> edgesAfter(long index) {
      Set<String> edges = new LinkedHashSet<>();
      for (StoredOp op : document) {
        if (op.index() > index) {
          break;
        }
        apply(edges, op);
      }
      return edges;
    }

    /**
     * The first index j at or after {@code from} such that replaying up to j gives {@code edges};
     * -1 stands for "before any operation"; below -1 when no such prefix exists.
     */
    long firstEdgePrefixMatching(Set<String> edges, long from) {
      Set<String> current = new LinkedHashSet<>();
      if (from < 0 && current.equals(edges)) {
        return -1;
      }
      for (StoredOp op : document) {
        apply(current, op);
        if (op.index() >= from && current.equals(edges)) {
          return op.index();
        }
      }
      return -2;
    }

    private static void apply(Set<String> edges, StoredOp op) {
      String target = op.linkTarget();
      if (target == null || op.error() != null) {
        return;
      }
      if (SystemActions.ADD_RELATIONSHIP.equals(op.actionType())
          || SystemActions.UPDATE_RELATIONSHIP.equals(op.actionType())) {
        edges.add(target);
      } else {
        edges.remove(target);
      }
    }

    List<String> documentExcerpt() {
      List<String> lines = new ArrayList<>();
      int from = Math.max(0, document.size() - MAX_EVIDENCE);
      if (from > 0) {
        lines.add("… " + from + " earlier operations of the document stream");
      }
      document.subList(from, document.size()).forEach(op -> lines.add(op.describe()));
      if (document.isEmpty()) {
        lines.add("the store has no document-scope operation");
      }
      return lines;
    }

    List<String> globalExcerpt() {
      return globalExcerptAround(Math.max(0, items.size() - 3), items.size());
    }

    /** Store operations holding items [from, to), a few at most. */
    List<String> globalExcerptAround(int fromItem, int toItem) {
      List<String> lines = new ArrayList<>();
      lines.add("store items (" + items.size() + "): " + abbreviate(items));
      for (int i = Math.max(0, fromItem); i < Math.min(toItem, items.size()) && lines.size() < 5; i++) {
        String element = items.get(i);
        global.stream().filter(op -> element.equals(op.appendedElement())).findFirst()
            .ifPresent(op -> lines.add(op.describe()));
      }
      return lines;
    }
  }
}
