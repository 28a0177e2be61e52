package dev.quire.concurrent;

/**
 * A cancellation signal, Java's counterpart of an AbortSignal: one side calls {@link #cancel()},
 * waits that were given the signal end with a cancellation error.
 */
public final class Cancellation {

  public static Cancellation create() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Cancels; runs every registered callback once. Idempotent. */
  public void cancel() {
    throw new UnsupportedOperationException("TODO");
  }

  public boolean isCancelled() {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Runs {@code callback} on cancellation (at once if already cancelled). The returned handle
   * removes the callback so satisfied waits do not leak.
   */
  public Scheduler.Cancellable onCancel(Runnable callback) {
    throw new UnsupportedOperationException("TODO");
  }
}
