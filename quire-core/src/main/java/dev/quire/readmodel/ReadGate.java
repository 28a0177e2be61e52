package dev.quire.readmodel;

import dev.quire.consistency.ConsistencyTracker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The "wait for my token" step every read model query takes before it answers. An empty token
 * passes at once; otherwise the wait is bounded by {@link ReadOptions#timeout()} or, when that is
 * null, the read model's default, so no query waits forever (the origin's read-path wait had no
 * timeout at all).
 */
public final class ReadGate {

  /** A sensible default for read models that are not configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private ReadGate() {}

  /**
   * Completes when {@code tracker} has indexed every coordinate of {@code read.token()}; fails with
   * the tracker's timeout, cancellation or read-model-failure exception otherwise.
   */
  public static CompletableFuture<Void> await(ConsistencyTracker tracker, ReadOptions read, Duration defaultTimeout) {
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(read, "read");
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (read.token().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Duration timeout = read.timeout() != null ? read.timeout() : defaultTimeout;
    return tracker.waitFor(read.token().coordinates(), timeout, read.cancellation());
  }

  /** Rejects a default timeout that is negative or zero at construction of a read model. */
  public static Duration requireTimeout(Duration defaultTimeout) {
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("default read timeout must be positive, got " + defaultTimeout);
    }
    return defaultTimeout;
  }
}
