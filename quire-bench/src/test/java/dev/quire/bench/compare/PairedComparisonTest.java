package dev.quire.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {

  @Test
  void aSteadyGain_isSignificantEvenWhenTheHostDriftsMoreThanTheGain() {
    // The host drifts from 10,000 to 16,000; the candidate is 300 ahead in every pair.
    List<Double> baseline = List.of(10_000.0, 12_000.0, 16_000.0, 11_000.0);
    List<Double> candidate = List.of(10_300.0, 12_290.0, 16_310.0, 11_300.0);

    PairedComparison c = PairedComparison.of(baseline, candidate);

    assertThat(c.meanDifference()).isCloseTo(300, within(1e-9));
    assertThat(c.candidateHigher()).isEqualTo(4);
    assertThat(c.significant()).isTrue();
    assertThat(c.lower()).isPositive();
    assertThat(c.relativeDifferencePercent()).isCloseTo(100 * 300 / 12_250.0, within(1e-9));
  }

  @Test
  void pairsThatDisagree_giveAnIntervalAroundZero() {
    List<Double> baseline = List.of(13_859.0, 14_108.0, 14_067.0, 11_472.0);
    List<Double> candidate = List.of(13_627.0, 13_494.0, 12_775.0, 13_187.0);

    PairedComparison c = PairedComparison.of(baseline, candidate);

    assertThat(c.significant()).isFalse();
    assertThat(c.lower()).isNegative();
    assertThat(c.upper()).isPositive();
    assertThat(c.candidateHigher()).isEqualTo(1);
  }

  @Test
  void theIntervalMatchesStudentsT() {
    // Differences 1, 2, 3: mean 2, sample sd 1, t(2) = 4.303, half width 4.303 / sqrt(3).
    PairedComparison c = PairedComparison.of(List.of(0.0, 0.0, 0.0), List.of(1.0, 2.0, 3.0));

    assertThat(c.lower()).isCloseTo(2 - 4.303 / Math.sqrt(3), within(1e-9));
    assertThat(c.upper()).isCloseTo(2 + 4.303 / Math.sqrt(3), within(1e-9));
    assertThat(PairedComparison.tCritical(30)).isEqualTo(2.042);
    assertThat(PairedComparison.tCritical(31)).isEqualTo(1.960);
  }

  @Test
  void fewerThanTwoPairsOrUnequalLists_areRefused() {
    assertThatThrownBy(() -> PairedComparison.of(List.of(1.0), List.of(2.0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PairedComparison.of(List.of(1.0, 2.0), List.of(2.0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
