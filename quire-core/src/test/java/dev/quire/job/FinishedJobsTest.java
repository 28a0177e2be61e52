package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aCapacityBelowOne_isRefused() {
    assertThatThrownBy(() -> new FinishedJobs(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
