package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FinishedJobsTest {

  private static final Instant CREATED = Instant.parse("2026-11-24T08:00:00.123456789Z");

  @Test
  void beyondTheCapacity_theOldestIsForgotten_roundAndRoundTheRing() {
    FinishedJobs finished = new FinishedJobs(3, Long.MAX_VALUE);
    finished.add(job("a"), 1);
    finished.add(job("b"), 2);
    finished.add(job("c"), 3);
    for (int i = 0; i < 10; i++) {
      String forgotten = i == 0 ? "a" : i == 1 ? "b" : i == 2 ? "c" : "j" + (i - 3);
      finished.add(job("j" + i), 4 + i);
      assertThat(finished.get(forgotten)).isEmpty();
      assertThat(finished.get("j" + i)).contains(job("j" + i));
      assertThat(finished.size()).isEqualTo(3);
    }
  }

  @Test
  void jobsOlderThanTheRetention_areForgottenWhenTheNextOneFinishes() {
    FinishedJobs finished = new FinishedJobs(10, 100);
    finished.add(job("a"), 0);
    finished.add(job("b"), 50);
    finished.add(job("c"), 90);

    finished.add(job("d"), 160);
    assertThat(finished.idsOldestFirst()).containsExactly("c", "d");
    finished.add(job("e"), 1_000);
    assertThat(finished.idsOldestFirst()).containsExactly("e");
  }

  @Test
  void theSlots_startFewAndGrowToTheCapacity_keepingTheOrder() {
    FinishedJobs finished = new FinishedJobs(1_000, Long.MAX_VALUE);
    assertThat(finished.slots()).isEqualTo(FinishedJobs.INITIAL_SLOTS);
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      added.add("j" + i);
      finished.add(job("j" + i), i);
    }
    assertThat(finished.slots()).isEqualTo(1_000);
    assertThat(finished.idsOldestFirst()).isEqualTo(added);
    assertThat(finished.get("j0")).contains(job("j0"));

    finished.add(job("j1000"), 1_000);
    assertThat(finished.get("j0")).isEmpty();
    assertThat(finished.get("j999")).contains(job("j999"));
    assertThat(finished.slots()).isEqualTo(1_000);
  }

  @Test
  void slotsThatWrappedAround_growWithTheirJobsInOrder() {
    FinishedJobs finished = new FinishedJobs(10_000, 50);
    for (int i = 0; i < 100; i++) {
      finished.add(job("old" + i), 0);
    }
    // At 100 the first hundred are past the retention: the oldest slot is now in the middle.
    finished.add(job("n0"), 100);
    List<String> expected = new ArrayList<>(List.of("n0"));
    for (int i = 1; i <= FinishedJobs.INITIAL_SLOTS; i++) {
      expected.add("n" + i);
      finished.add(job("n" + i), 100);
    }

    assertThat(finished.slots()).isEqualTo(2 * FinishedJobs.INITIAL_SLOTS);
    assertThat(finished.idsOldestFirst()).isEqualTo(expected);
    assertThat(finished.get("n17")).contains(job("n17"));
    assertThat(finished.get("old3")).isEmpty();
  }

  @Test
  void aJob_readsBackAsItWasKept_withOrWithoutTokenAndCompletion() {
    FinishedJobs finished = new FinishedJobs(10, Long.MAX_VALUE);
    JobInfo noToken = new JobInfo("x", "doc-ü", JobStatus.READ_READY, CREATED, null, null, List.of(), Optional.empty(), 0);
    JobInfo emptyToken = new JobInfo("y", "doc", JobStatus.READ_READY, CREATED, CREATED.plusSeconds(1), null,
        List.of(), Optional.of(ConsistencyToken.empty()), 1);
    finished.add(noToken, 1);
    finished.add(emptyToken, 2);
    finished.add(job("z"), 3);

    assertThat(finished.get("x")).contains(noToken);
    assertThat(finished.get("y")).contains(emptyToken);
    assertThat(finished.get("z")).contains(job("z"));
  }

  @Test
  void aJobTooLargeForASlot_isKeptAsItIs_andForgottenInTurn() {
    FinishedJobs finished = new FinishedJobs(2, Long.MAX_VALUE);
    List<ConsistencyCoordinate> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(new ConsistencyCoordinate("document-" + i, "global", "main", i));
    }
    ErrorInfo error = new ErrorInfo("ReadModelFailedException", "parked");
    JobInfo failed = new JobInfo("f", "doc", JobStatus.READ_FAILED, CREATED, CREATED, error, List.of(error),
        Optional.of(ConsistencyToken.of(CREATED, many)), 3);
    JobInfo longId = job("l".repeat(300));
    finished.add(failed, 1);
    finished.add(longId, 2);

    assertThat(finished.get("f")).contains(failed);
    assertThat(finished.get(longId.id())).contains(longId);
    assertThat(finished.keptAsObjects()).isEqualTo(2);
    finished.add(job("next"), 3);
    assertThat(finished.get("f")).isEmpty();
    assertThat(finished.keptAsObjects()).isEqualTo(1);
    assertThat(finished.idsOldestFirst()).containsExactly(longId.id(), "next");
  }

  @Test
  void aJobWithUuidAndLongDocumentIds_fitsItsSlot() {
    FinishedJobs finished = new FinishedJobs(10, Long.MAX_VALUE);
    String document = "d".repeat(64);
    JobInfo info = new JobInfo("0d8f3c2e-6a1b-4f7e-9c3d-5b2a1e0f9d8c", document, JobStatus.READ_READY, CREATED,
        CREATED, null, List.of(), Optional.of(token(document, 123_456_789L)), 2);
    finished.add(info, 1);

    assertThat(finished.keptAsObjects()).isZero();
    assertThat(finished.get(info.id())).contains(info);
  }

  @Test
  void anUpdate_changesTheKeptJobInPlace() {
    FinishedJobs finished = new FinishedJobs(10, Long.MAX_VALUE);
    ErrorInfo error = new ErrorInfo("ReadModelFailedException", "parked");
    JobInfo readFailed = new JobInfo("a", "doc", JobStatus.READ_FAILED, CREATED, CREATED, error, List.of(error),
        Optional.of(token("doc", 4)), 1);
    finished.add(readFailed, 1);
    finished.add(job("b"), 2);

    JobInfo ready = new JobInfo("a", "doc", JobStatus.READ_READY, CREATED, CREATED, null, List.of(error),
        Optional.of(token("doc", 4)), 1);
    assertThat(finished.update("a", info -> ready)).contains(ready);
    assertThat(finished.update("a", info -> null)).isEmpty();
    assertThat(finished.update("missing", info -> ready)).isEmpty();

    assertThat(finished.get("a")).contains(ready);
    assertThat(finished.idsOldestFirst()).containsExactly("a", "b");
  }

  @Test
  void lookups_agreeWithAModel_throughRandomAddsAndEvictions() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      int capacity = 1 + random.nextInt(600);
      FinishedJobs finished = new FinishedJobs(capacity, 1_000);
      Map<String, Long> model = new LinkedHashMap<>();
      long now = 0;
      for (int i = 0; i < 3_000; i++) {
        now += random.nextInt(3);
        String id = "job-" + round + "-" + i;
        long at = now;
        model.entrySet().removeIf(e -> at - e.getValue() > 1_000);
        while (model.size() >= capacity) {
          model.remove(model.keySet().iterator().next());
        }
        model.put(id, now);
        finished.add(job(id), now);

        String probe = "job-" + round + "-" + random.nextInt(i + 1);
        assertThat(finished.get(probe).isPresent()).as(probe).isEqualTo(model.containsKey(probe));
      }
      assertThat(finished.idsOldestFirst()).containsExactlyElementsOf(model.keySet());
    }
  }

  @Test
  void idsWithTheSameHash_orTheSameBytesInAnotherEncoding_areToldApart() {
    FinishedJobs finished = new FinishedJobs(20, Long.MAX_VALUE);
    // "Aa" and "BB" share String.hashCode; "é" is one char and two bytes, "ée" two chars and three.
    List<String> ids = List.of("Aa", "BB", "é", "e\u0301", "ée", "éé", "", "ab", "abc", "0d8f3c2e-6a1b");
    for (String id : ids) {
      finished.add(job(id), 0);
    }
    for (String id : ids) {
      assertThat(finished.get(id)).as(id).hasValueSatisfying(info -> assertThat(info.id()).isEqualTo(id));
    }
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    for (String absent : List.of("AaBB", "BBAa", "a", "e", "éf", "Ab", "abd", "0d8f3c2e-6a1c")) {
      assertThat(finished.contains(absent)).as(absent).isFalse();
    }
  }

  @Test
  void aCapacityBelowOne_isRefused() {
    assertThatThrownBy(() -> new FinishedJobs(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static JobInfo job(String id) {
    return new JobInfo(id, "doc-" + id.length(), JobStatus.READ_READY, CREATED, CREATED.plusMillis(3), null,
        List.of(), Optional.of(token("doc-" + id.length(), id.length())), 1);
  }

  private static ConsistencyToken token(String document, long index) {
    return ConsistencyToken.of(CREATED, List.of(new ConsistencyCoordinate(document, "global", "main", index)));
  }
}
