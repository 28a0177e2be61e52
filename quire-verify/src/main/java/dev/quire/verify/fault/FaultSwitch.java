package dev.quire.verify.fault;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The fault-injection hook of one component: while "failing" every call fails, while "stalled"
 * every call waits for the stall to end before it runs. Windows are set by the fault scheduler and
 * end by themselves, or all at once by {@link #heal()}.
 *
 * <p>Concurrency: lock-free; the windows are two atomic deadlines on {@link System#nanoTime()}.
 */
public final class FaultSwitch {

  private final String name;
  private final LongSupplier clock;
  private final AtomicLong failingUntil = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong stalledUntil = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong injected = new AtomicLong();

  public FaultSwitch(String name) {
    this(name, System::nanoTime);
  }

  FaultSwitch(String name, LongSupplier clock) {
    this.name = name;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  /** Every call fails from now for {@code duration}. */
  public void failFor(Duration duration) {
    failingUntil.set(clock.getAsLong() + duration.toNanos());
  }

  /** Every call waits until {@code duration} from now before it runs. */
  public void stallFor(Duration duration) {
    stalledUntil.set(clock.getAsLong() + duration.toNanos());
  }

  /** Ends every window now. */
  public void heal() {
    failingUntil.set(Long.MIN_VALUE);
    stalledUntil.set(Long.MIN_VALUE);
  }

  public boolean failing() {
    long until = failingUntil.get();
    return until != Long.MIN_VALUE && clock.getAsLong() - until < 0;
  }

  /** How long a call made now must wait; zero when not stalled. */
  public Duration stallRemaining() {
    long until = stalledUntil.get();
    if (until == Long.MIN_VALUE) {
      return Duration.ZERO;
    }
    long remaining = until - clock.getAsLong();
    return remaining > 0 ? Duration.ofNanos(remaining) : Duration.ZERO;
  }

  /** Calls failed on purpose so far. */
  public long injectedFailures() {
    return injected.get();
  }

  /** Throws {@link InjectedFaultException} when failing. */
  public void check(String what) {
    if (failing()) {
      injected.incrementAndGet();
      throw new InjectedFaultException(name, what);
    }
  }
}
