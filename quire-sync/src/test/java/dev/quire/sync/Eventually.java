package dev.quire.sync;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until a deadline. Replication between servers is asynchronous by design and has
 * no single future to wait on; this is a bounded wait on observable state, not a sleep to order
 * threads.
 */
final class Eventually {

  private Eventually() {}

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for: " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
  }
}
