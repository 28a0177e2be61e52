package dev.quire.verify.check;

import static dev.quire.verify.check.Scenario.coordinate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.history.ReadResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckerTest {

  private final Scenario s = new Scenario();

  /** Two clients, two documents, appends, edges and token reads: everything as promised. */
  private void cleanRun() {
    s.create("c0", "d1");
    s.create("c1", "d2");
    s.append("c0", "d1", 1);
    Op second = s.append("c1", "d1", 1);
    s.readDoc("c1", "d1", second.token(), List.of("c0-1", "c1-1"));
    s.readDoc("c0", "d1", List.of(), List.of("c0-1", "c1-1"));
    Op edge = s.edge("c0", OpKind.ADD_EDGE, "d1", "d2");
    s.readEdges("c0", "d1", edge.token(), Set.of("d2"));
  }

  @Test
  void check_cleanHistory_passesEveryInvariant() {
    cleanRun();

    CheckResult result = s.check();

    assertThat(result.violations()).isEmpty();
    assertThat(result.passed()).isTrue();
    assertThat(result.of(Invariant.WRITES_EXACTLY_ONCE).checks()).isEqualTo(5);
    assertThat(result.of(Invariant.TOKEN_READS_REFLECT_WRITES).checks()).isPositive();
  }

  @Test
  void check_acknowledgedAppendMissingFromStore_isALostWrite() {
    cleanRun();
    Op lost = s.append("c0", "d1", 2, Outcome.OK, "READ_READY", false);

    List<Violation> violations = s.check().of(Invariant.WRITES_EXACTLY_ONCE).violations();

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.message()).startsWith("lost write").contains("c0-2");
      assertThat(v.ops()).containsExactly(lost);
    });
  }

  @Test
  void check_elementStoredTwice_isADuplicatedWrite() {
    cleanRun();
    s.storeAppend("d1", "c0", "c0-1", 1);

    List<Violation> violations = s.check().of(Invariant.WRITES_EXACTLY_ONCE).violations();

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.message()).startsWith("duplicated write").contains("c0-1");
      assertThat(v.evidence()).hasSize(2);
    });
  }

  @Test
  void check_failedAppendPresent_isReported_unknownOnceIsNot() {
    cleanRun();
    s.append("c1", "d1", 2, Outcome.FAIL, "FAILED", true);
    s.append("c1", "d1", 3, Outcome.INFO, "UNAVAILABLE", true);
    s.append("c1", "d1", 4, Outcome.INFO, "UNAVAILABLE", false);

    List<Violation> violations = s.check().of(Invariant.WRITES_EXACTLY_ONCE).violations();

    assertThat(violations).singleElement().satisfies(v -> assertThat(v.message()).startsWith("failed write present")
        .contains("c1-2"));
  }

  @Test
  void check_elementNobodyWrote_isAPhantom() {
    cleanRun();
    s.storeAppend("d1", "c9", "c9-1", 1);

    assertThat(s.check().of(Invariant.NO_PHANTOM_WRITES).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("phantom element c9-1"));
  }

  @Test
  void check_gapInStream_isReported() {
    cleanRun();
    StreamKey global = StreamKey.of("d2", Scopes.GLOBAL, Scopes.MAIN_BRANCH);
    s.streams.computeIfAbsent(global, k -> new java.util.ArrayList<>())
        .add(new StoredOp(global, 1, "x", "SET", Json.object().put("path", "/x").put("value", 1), null));

    assertThat(s.check().of(Invariant.STREAMS_CONTIGUOUS).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("has index 1 at position 0"));
  }

  @Test
  void check_tokenReadMissingCoveredWrite_isReportedWithTheWrite() {
    cleanRun();
    Op write = s.append("c0", "d1", 2);
    Op stale = s.readDoc("c1", "d1", write.token(), List.of("c0-1", "c1-1"));

    List<Violation> violations = s.check().of(Invariant.TOKEN_READS_REFLECT_WRITES).violations();

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.message()).contains("saw 2 items").contains("token covers").contains("c0-2");
      assertThat(v.ops()).containsExactly(stale, write);
    });
  }

  @Test
  void check_readWithoutTokenMissingAWriteAcknowledgedBeforeIt_isReported() {
    cleanRun();
    s.append("c0", "d1", 2);
    s.readDoc("c1", "d1", List.of(), List.of("c0-1", "c1-1"));

    assertThat(s.check().of(Invariant.TOKEN_READS_REFLECT_WRITES).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("acknowledged READ_READY before it began"));
  }

  @Test
  void check_staleReadWithoutTokenOfAConcurrentWrite_isAllowed() {
    cleanRun();
    // The read begins before the write completes: it may or may not see it.
    var read = s.history.invoke("c1", OpKind.READ_DOC, "d1").waitMillis(1000);
    Op write = s.append("c0", "d1", 2);
    read.read("SATISFIED", List.of(), ReadResult.document(List.of("c0-1", "c1-1"), Map.of("c0", 1L, "c1", 1L)));

    assertThat(s.check().violations()).isEmpty();
    assertThat(write.outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void check_reorderedRead_isNotAPrefix() {
    cleanRun();
    s.readDoc("c0", "d1", List.of(), List.of("c1-1", "c0-1"));

    assertThat(s.check().of(Invariant.READS_ARE_PREFIXES).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("position 0 holds c1-1"));
  }

  @Test
  void check_countersApartFromItems_isReported() {
    cleanRun();
    s.readDoc("c0", "d1", List.of(), ReadResult.document(List.of("c0-1"), Map.of("c0", 1L, "c1", 1L)));

    assertThat(s.check().of(Invariant.READS_ARE_PREFIXES).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("seen apart"));
  }

  @Test
  void check_staleEdgeReadWithToken_isReported() {
    cleanRun();
    Op removed = s.edge("c0", OpKind.REMOVE_EDGE, "d1", "d2");
    s.readEdges("c0", "d1", removed.token(), Set.of("d2"));

    assertThat(s.check().of(Invariant.TOKEN_READS_REFLECT_WRITES).violations())
        .singleElement().satisfies(v -> {
          assertThat(v.message()).contains("edges of d1 read as [d2]");
          assertThat(v.ops()).contains(removed);
        });
  }

  @Test
  void check_notFoundWithToken_isReportedUnlessADeletionExplainsIt() {
    cleanRun();
    Op write = s.append("c0", "d2", 1);
    s.readDoc("c1", "d2", write.token(), ReadResult.notFound());
    assertThat(s.check().of(Invariant.TOKEN_READS_REFLECT_WRITES).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("answered not-found"));

    Scenario other = new Scenario();
    other.create("c0", "d1");
    Op append = other.append("c0", "d1", 1);
    other.delete("c1", "d1");
    other.readDoc("c0", "d1", append.token(), ReadResult.notFound());
    assertThat(other.check().violations()).isEmpty();
  }

  @Test
  void check_waitBeyondDeadline_andUntypedEnd_areReported() {
    cleanRun();
    var slow = s.history.invoke("c0", OpKind.READ_DOC, "d1").waitMillis(1);
    s.clock.addAndGet(10_000_000_000L);
    slow.failedRead(Outcome.FAIL, "TIMED_OUT", "late", List.of());
    s.history.invoke("c1", OpKind.READ_DOC, "d1").failedRead(Outcome.FAIL, "UNTYPED:NullPointerException", "boom",
        List.of());

    List<Violation> violations = s.check().of(Invariant.WAITS_BOUNDED_AND_TYPED).violations();

    assertThat(violations).extracting(Violation::message)
        .anySatisfy(m -> assertThat(m).contains("for a deadline of 1 ms"))
        .anySatisfy(m -> assertThat(m).contains("without a typed outcome"));
  }

  @Test
  void check_viewAndRebuildDisagreeingWithStore_areReported() {
    cleanRun();
    ObjectNode stale = Json.object();
    stale.putArray("items").add("c0-1");
    stale.putObject("counters").put("c0", 1);
    s.viewOverrides.put("d1", new DocState(true, stale, Map.of(Scopes.DOCUMENT, 2L, Scopes.GLOBAL, 2L)));

    CheckResult result = s.check();

    assertThat(result.of(Invariant.VIEW_MATCHES_STORE).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("items differ").contains("revisions differ"));
    assertThat(result.of(Invariant.REBUILD_EQUALS_LIVE).violations()).hasSize(1);
  }

  @Test
  void check_sideModelMissingAnItem_isReported() {
    cleanRun();
    s.sideItems = Map.of("d1", List.of("c0-1"), "d2", List.of());

    assertThat(s.check().of(Invariant.SIDE_MODEL_MATCHES_STORE).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("missing [c1-1]"));
  }

  @Test
  void check_unconvergedState_isReported() {
    cleanRun();
    s.unconverged.add("document-view: stream d1:global:main still parked");

    assertThat(s.check().of(Invariant.CONVERGED).violations())
        .singleElement().satisfies(v -> assertThat(v.message()).contains("still parked"));
  }

  @Test
  void violation_describe_showsHistoryAndFinalExcerpts() {
    cleanRun();
    s.append("c0", "d1", 2, Outcome.OK, "READ_READY", false);

    String text = s.check().violations().get(0).describe();

    assertThat(text).contains("[writes-exactly-once] lost write").contains("history: #").contains("final:");
  }

  @Test
  void coveredIndex_takesTheHighestCoordinateOfTheStream() {
    var stream = StreamKey.of("d", Scopes.GLOBAL, Scopes.MAIN_BRANCH);
    assertThat(Checker.coveredIndex(List.of(coordinate("d", Scopes.GLOBAL, 3), coordinate("d", Scopes.DOCUMENT, 9)),
        stream)).isEqualTo(3);
    assertThat(Checker.coveredIndex(List.of(), stream)).isEqualTo(-1);
  }
}
