package dev.quire.verify.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FaultSwitchTest {

  private final AtomicLong now = new AtomicLong(-5_000); // negative: deadlines must not overflow
  private final FaultSwitch faults = new FaultSwitch("view", now::get);

  @Test
  void check_failsOnlyInsideTheWindow() {
    faults.check("before");
    faults.failFor(Duration.ofNanos(100));

    assertThatThrownBy(() -> faults.check("indexOperations")).isInstanceOf(InjectedFaultException.class)
        .hasMessageContaining("view").hasMessageContaining("indexOperations");
    now.addAndGet(100);
    faults.check("after");
    assertThat(faults.injectedFailures()).isEqualTo(1);
  }

  @Test
  void stallRemaining_countsDownAndHealEndsIt() {
    assertThat(faults.stallRemaining()).isZero();
    faults.stallFor(Duration.ofNanos(100));
    now.addAndGet(40);
    assertThat(faults.stallRemaining()).isEqualTo(Duration.ofNanos(60));

    faults.heal();

    assertThat(faults.stallRemaining()).isZero();
    assertThat(faults.failing()).isFalse();
  }
}
