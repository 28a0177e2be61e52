package dev.quire.verify.run;

import dev.quire.verify.fault.FaultKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a verification run is shaped.
 *
 * @param clients concurrent clients
 * @param duration how long the workload (and the faults) run; settling comes after
 * @param seed makes the workload's and the faults' choices repeatable (timing is not)
 * @param faults the fault kinds to inject (those the target supports); empty for none
 * @param minFaultGap, maxFaultGap pause between two faults
 * @param maxFaultWindow longest fault window
 * @param settleTimeout how long the system may take to converge after the faults stop
 * @param maxItemsPerDocument appends per document before clients move to other documents
 * @param thinkTime pause between two operations of one client
 * @param waitSlack how far past its deadline a wait may end
 * @param deletes whether clients delete documents (a delete racing a write's read-back is a known
 *     server finding, see docs/verification.md)
 */
public record RunOptions(
    int clients,
    Duration duration,
    long seed,
    Set<FaultKind> faults,
    Duration minFaultGap,
    Duration maxFaultGap,
    Duration maxFaultWindow,
    Duration settleTimeout,
    int maxItemsPerDocument,
    Duration thinkTime,
    Duration waitSlack,
    boolean deletes) {

  public RunOptions {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be >= 1, got " + clients);
    }
    Objects.requireNonNull(duration, "duration");
    faults = faults.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(faults);
    if (maxFaultGap.compareTo(minFaultGap) < 0) {
      throw new IllegalArgumentException("maxFaultGap must not be below minFaultGap");
    }
  }

  /** Defaults: 8 clients, every fault, a fault every 1–4 s lasting up to 3 s. */
  public static RunOptions defaults(Duration duration) {
    return new RunOptions(8, duration, 1L, EnumSet.allOf(FaultKind.class), Duration.ofSeconds(1), Duration.ofSeconds(4),
        Duration.ofSeconds(3), Duration.ofSeconds(120), 60, Duration.ofMillis(2), Duration.ofSeconds(2), true);
  }

  public RunOptions withClients(int value) {
    return new RunOptions(value, duration, seed, faults, minFaultGap, maxFaultGap, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, thinkTime, waitSlack, deletes);
  }

  public RunOptions withSeed(long value) {
    return new RunOptions(clients, duration, value, faults, minFaultGap, maxFaultGap, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, thinkTime, waitSlack, deletes);
  }

  public RunOptions withFaults(Set<FaultKind> value) {
    return new RunOptions(clients, duration, seed, value, minFaultGap, maxFaultGap, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, thinkTime, waitSlack, deletes);
  }

  public RunOptions withFaultGaps(Duration min, Duration max) {
    return new RunOptions(clients, duration, seed, faults, min, max, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, thinkTime, waitSlack, deletes);
  }

  public RunOptions withThinkTime(Duration value) {
    return new RunOptions(clients, duration, seed, faults, minFaultGap, maxFaultGap, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, value, waitSlack, deletes);
  }

  public RunOptions withDeletes(boolean value) {
    return new RunOptions(clients, duration, seed, faults, minFaultGap, maxFaultGap, maxFaultWindow, settleTimeout,
        maxItemsPerDocument, thinkTime, waitSlack, value);
  }
}
