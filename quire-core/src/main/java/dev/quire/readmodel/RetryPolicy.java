package dev.quire.readmodel;

import java.time.Duration;
import java.util.Objects;

/**
 * How often, and how far apart, the {@link ReadModelCoordinator} re-runs a batch a read model
 * failed before it parks the batch's streams for that read model.
 *
 * <p>The delay before attempt {@code n + 1} is {@code initialBackoff * multiplier^(n - 1)}, capped at
 * {@code maxBackoff} (see {@link #backoff(int)}).
 *
 * @param maxAttempts total attempts per batch, the first one included; 1 parks at the first failure
 * @param initialBackoff delay after the first failure
 * @param maxBackoff upper bound of any delay
 * @param multiplier growth factor between consecutive delays, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(5), 2.0);
  private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("initialBackoff must not be negative, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff (" + maxBackoff + ") must not be below initialBackoff (" + initialBackoff + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
    }
  }

  /** 5 attempts, 50 ms doubling up to 5 s: about 750 ms of retrying before a stream parks. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** One attempt: a failure parks the stream at once. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * The delay after failed attempt {@code attempt} (1-based) before the next one.
   *
   * @throws IllegalArgumentException if {@code attempt < 1}
   */
  public Duration backoff(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    double nanos = nanos(initialBackoff) * Math.pow(multiplier, attempt - 1);
    long cap = nanos(maxBackoff);
    // Also catches overflow to infinity: a huge exponent simply lands on the cap.
    return nanos < cap ? Duration.ofNanos((long) nanos) : maxBackoff;
  }

  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
