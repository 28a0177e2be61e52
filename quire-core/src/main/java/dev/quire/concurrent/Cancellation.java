package dev.quire.concurrent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A cancellation signal, Java's counterpart of an AbortSignal: one side calls {@link #cancel()},
 * waits that were given the signal end with a cancellation error.
 *
 * <p>Concurrency: the callback set is guarded by an internal monitor; callbacks always run outside
 * it (on the thread that calls {@link #cancel()}, or on the registering thread when the signal was
 * already cancelled), so a callback may register, remove or take its own locks freely.
 */
public final class Cancellation {

  private static final Scheduler.Cancellable NO_OP = () -> {};

  private final Object monitor = new Object();
  private volatile boolean cancelled;
  // Guarded by monitor; null once cancelled so late registrations cannot leak.
  private Set<Registration> callbacks = new LinkedHashSet<>();

  private Cancellation() {}

  public static Cancellation create() {
    return new Cancellation();
  }

  /**
   * Cancels; runs every registered callback once. Idempotent. Every callback runs even if an
   * earlier one throws; the first failure is then rethrown with the others suppressed.
   */
  public void cancel() {
    List<Registration> toRun;
    synchronized (monitor) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = new ArrayList<>(callbacks);
      callbacks = null;
    }
    RuntimeException failure = null;
    for (Registration registration : toRun) {
      try {
        registration.callback.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Runs {@code callback} on cancellation (at once if already cancelled). The returned handle
   * removes the callback so satisfied waits do not leak.
   */
  public Scheduler.Cancellable onCancel(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    Registration registration = new Registration(callback);
    synchronized (monitor) {
      if (!cancelled) {
        callbacks.add(registration);
        return registration;
      }
    }
    callback.run();
    return NO_OP;
  }

  /** Registered callbacks not yet run or removed; for leak checks in tests. */
  public int callbackCount() {
    synchronized (monitor) {
      return callbacks == null ? 0 : callbacks.size();
    }
  }

  // Identity equality on purpose: the same Runnable registered twice is two registrations.
  private final class Registration implements Scheduler.Cancellable {
    final Runnable callback;

    Registration(Runnable callback) {
      this.callback = callback;
    }

    @Override
    public void cancel() {
      synchronized (monitor) {
        if (callbacks != null) {
          callbacks.remove(this);
        }
      }
    }
  }
}
