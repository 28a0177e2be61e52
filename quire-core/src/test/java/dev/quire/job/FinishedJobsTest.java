package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinishedJobsTest {

  @Test
  void beyondTheCapacity_theOldestIsForgotten_roundAndRoundTheRing() {
    FinishedJobs finished = new FinishedJobs(3, Long.MAX_VALUE);
    assertThat(finished.add("a", 1)).isEmpty();
    assertThat(finished.add("b", 2)).isEmpty();
    assertThat(finished.add("c", 3)).isEmpty();
    for (int i = 0; i < 10; i++) {
      String forgotten = i == 0 ? "a" : i == 1 ? "b" : i == 2 ? "c" : "j" + (i - 3);
      assertThat(finished.add("j" + i, 4 + i)).containsExactly(forgotten);
      assertThat(finished.size()).isEqualTo(3);
    }
  }

  @Test
  void jobsOlderThanTheRetention_areForgottenWhenTheNextOneFinishes() {
    FinishedJobs finished = new FinishedJobs(10, 100);
    finished.add("a", 0);
    finished.add("b", 50);
    finished.add("c", 90);

    assertThat(finished.add("d", 160)).containsExactly("a", "b");
    assertThat(finished.size()).isEqualTo(2);
    assertThat(finished.add("e", 1_000)).containsExactly("c", "d");
  }

  @Test
  void theRing_startsSmallAndGrowsToTheCapacity_keepingTheOrder() {
    FinishedJobs finished = new FinishedJobs(1_000, Long.MAX_VALUE);
    assertThat(finished.slots()).isEqualTo(FinishedJobs.INITIAL_SLOTS);
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      added.add("j" + i);
      assertThat(finished.add("j" + i, i)).isEmpty();
    }
    assertThat(finished.slots()).isEqualTo(1_000);
    assertThat(finished.idsOldestFirst()).isEqualTo(added);

    assertThat(finished.add("j1000", 1_000)).containsExactly("j0");
    assertThat(finished.slots()).isEqualTo(1_000);
  }

  @Test
  void aRingThatWrappedAround_growsWithItsJobsInOrder() {
    FinishedJobs finished = new FinishedJobs(10_000, 50);
    for (int i = 0; i < 100; i++) {
      finished.add("old" + i, 0);
    }
    // At 100 the first hundred are past the retention: the ring's oldest slot is now in the middle.
    assertThat(finished.add("n0", 100)).hasSize(100);
    List<String> expected = new ArrayList<>(List.of("n0"));
    for (int i = 1; i <= FinishedJobs.INITIAL_SLOTS; i++) {
      expected.add("n" + i);
      assertThat(finished.add("n" + i, 100)).isEmpty();
    }

    assertThat(finished.slots()).isEqualTo(2 * FinishedJobs.INITIAL_SLOTS);
    assertThat(finished.idsOldestFirst()).isEqualTo(expected);
    assertThat(finished.add("later", 151)).containsExactlyElementsOf(expected);
  }

  @Test
  void aCapacityBelowOne_isRefused() {
    assertThatThrownBy(() -> new FinishedJobs(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
