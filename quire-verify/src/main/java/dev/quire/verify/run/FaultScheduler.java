package dev.quire.verify.run;

import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.History;
import dev.quire.verify.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults at random moments until the workload ends: one fault at a time, a random kind
 * among the enabled ones, a random window; after each window it asks the target to recover (retry
 * parked streams, restart a killed process).
 */
final class FaultScheduler implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(FaultScheduler.class);

  private final Target target;
  private final History history;
  private final List<FaultKind> kinds;
  private final Random random;
  private final long startNanos;
  private final long endNanos;
  private final Duration minGap;
  private final Duration maxGap;
  private final Duration maxWindow;
  private final List<FaultEvent> events = new CopyOnWriteArrayList<>();
  private final List<FaultKind> order;
  private int turn;

  FaultScheduler(Target target, History history, List<FaultKind> kinds, long seed, long startNanos, long endNanos,
      Duration minGap, Duration maxGap, Duration maxWindow) {
    this.target = target;
    this.history = history;
    this.kinds = List.copyOf(kinds);
    this.order = new ArrayList<>(kinds);
    this.random = new Random(seed);
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.minGap = minGap;
    this.maxGap = maxGap;
    this.maxWindow = maxWindow;
  }

  List<FaultEvent> events() {
    return new ArrayList<>(events);
  }

  @Override
  public void run() {
    if (kinds.isEmpty()) {
      return;
    }
    while (!Thread.currentThread().isInterrupted()) {
      long gap = minGap.toMillis() + (long) (random.nextDouble() * (maxGap.toMillis() - minGap.toMillis()));
      if (!sleepUntilOrEnd(System.nanoTime() + gap * 1_000_000)) {
        return;
      }
      // Every kind in turn, in a shuffled order, so even a short run sees each one.
      if (turn % kinds.size() == 0) {
        java.util.Collections.shuffle(order, random);
      }
      FaultKind kind = order.get(turn++ % order.size());
      Duration window = Duration.ofMillis(200 + (long) (random.nextDouble() * (maxWindow.toMillis() - 200)));
      long at = System.nanoTime();
      if (kind == FaultKind.PROCESS_KILLED || kind == FaultKind.DB_CONNECTIONS_DROPPED) {
        history.processFault();
      }
      String description;
      try {
        description = target.inject(kind, window, random);
      } catch (RuntimeException e) {
        log.warn("Injecting {} failed", kind, e);
        description = "injection failed: " + e;
      }
      if (kind == FaultKind.PROCESS_KILLED) {
        history.processFault();
      }
      events.add(new FaultEvent(kind, (at - startNanos) / 1_000_000, window.toMillis(), description));
      log.info("fault {} at +{} ms: {}", kind, (at - startNanos) / 1_000_000, description);
      sleepUntilOrEnd(at + window.toNanos());
      sleepQuietly(Duration.ofMillis(50));
      try {
        target.recover();
      } catch (RuntimeException e) {
        log.warn("Recovering from {} failed", kind, e);
      }
    }
  }

  /** Sleeps until {@code nanos}; false when the run ends first (or on interrupt). */
  private boolean sleepUntilOrEnd(long nanos) {
    while (true) {
      long now = System.nanoTime();
      if (now - endNanos >= 0) {
        return false;
      }
      long remaining = Math.min(nanos, endNanos) - now;
      if (remaining <= 0) {
        return true;
      }
      if (!sleepQuietly(Duration.ofNanos(Math.min(remaining, 200_000_000)))) {
        return false;
      }
    }
  }

  private static boolean sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration); // fault pacing, not synchronisation
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
