package dev.quire.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void anOddNumberOfRuns_hasTheMiddleOneAsMedian() {
    Spread spread = Spread.of(9.0, 3.0, 5.0);

    assertThat(spread).isEqualTo(new Spread(5.0, 3.0, 9.0, 3));
  }

  @Test
  void anEvenNumberOfRuns_hasTheMeanOfTheMiddleTwoAsMedian() {
    assertThat(Spread.of(List.of(4.0, 1.0, 10.0, 6.0))).isEqualTo(new Spread(5.0, 1.0, 10.0, 4));
  }

  @Test
  void format_writesMedianThenRange() {
    assertThat(Spread.of(1_200.4, 1_000.0, 1_500.6).format("%,.0f")).isEqualTo("1,200 (1,000–1,501)");
  }

  @Test
  void noRuns_isRefused() {
    assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
