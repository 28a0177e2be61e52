package dev.quire.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoff_growsByTheMultiplier_andIsCapped() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(300), 2.0);

    assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void backoff_hugeMaximum_doesNotOverflow() {
    RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE), 10.0);

    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(1_000)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
  }

  @Test
  void defaults_andNone() {
    assertThat(RetryPolicy.defaults())
        .isEqualTo(new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(5), 2.0));
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.none().backoff(1)).isEqualTo(Duration.ZERO);
  }

  @Test
  void backoff_attemptBelowOne_rejected() {
    assertThatThrownBy(() -> RetryPolicy.defaults().backoff(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_rejectsNonsense() {
    Duration ms = Duration.ofMillis(1);
    assertThatThrownBy(() -> new RetryPolicy(0, ms, ms, 2)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy(1, ms.negated(), ms, 2)).hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> new RetryPolicy(1, ms, Duration.ZERO, 2)).hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> new RetryPolicy(1, ms, ms, 0.5)).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> new RetryPolicy(1, ms, ms, Double.NaN)).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> new RetryPolicy(1, null, ms, 2)).isInstanceOf(NullPointerException.class);
  }
}
