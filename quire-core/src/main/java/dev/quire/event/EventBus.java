package dev.quire.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * In-memory, typed publish/subscribe: at-most-once delivery, nothing persisted.
 *
 * <p>{@link #emit} calls the subscribers of one type one at a time, in registration order, waiting
 * for each (an async subscriber's stage must complete before the next subscriber starts). A failing
 * subscriber does not stop the others: every failure is collected and the emit's future fails with
 * an {@link EventBusAggregateException} listing them in order.
 *
 * <p>Concurrency: lock-free on the emit path. Each event type maps to an immutable array of
 * registrations that subscribe and unsubscribe replace copy-on-write inside {@link
 * ConcurrentHashMap#compute} (atomic per type). An emit reads that array once, so subscribers added
 * or removed while it runs do not change its list, and it never holds a lock while calling a
 * handler: independent emits (same type or not) never wait for each other. When an async
 * subscriber's stage is still pending, the rest of the emit runs on whichever thread completes that
 * stage; stages that are already complete are consumed in a loop, not by recursion, so long chains
 * cannot overflow the stack.
 */
public final class EventBus {

  /** Shared by every emit that finishes synchronously without error: no allocation on that path. */
  private static final CompletableFuture<Void> DONE = new SharedCompletedFuture();

  private final ConcurrentHashMap<EventType<?>, Registration[]> registrations =
      new ConcurrentHashMap<>();

  /**
   * Registers a synchronous handler. The returned subscription removes exactly this registration,
   * even if the same handler instance is registered more than once.
   */
  @SuppressWarnings("unchecked")
  public <T> Subscription subscribe(EventType<T> type, Consumer<? super T> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return add(new Registration(this, type, (Consumer<Object>) handler, null));
  }

  /**
   * Registers an asynchronous handler: the emit waits for the returned stage before calling the next
   * subscriber. A {@code null} stage counts as immediate success; a failed stage is collected like a
   * thrown exception.
   */
  @SuppressWarnings("unchecked")
  public <T> Subscription subscribeAsync(
      EventType<T> type, Function<? super T, ? extends CompletionStage<?>> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return add(
        new Registration(
            this, type, null, (Function<Object, ? extends CompletionStage<?>>) handler));
  }

  /**
   * Delivers {@code event} to the current subscribers of {@code type}.
   *
   * @return a future completed once every subscriber has finished; it fails with {@link
   *     EventBusAggregateException} if any subscriber threw or returned a failed stage
   */
  public <T> CompletableFuture<Void> emit(EventType<T> type, T event) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(event, "event");
    Registration[] snapshot = registrations.get(type);
    if (snapshot == null) {
      return DONE;
    }
    // Fast path: synchronous subscribers that do not throw need no per-emit state at all.
    for (int i = 0; i < snapshot.length; i++) {
      Registration registration = snapshot[i];
      if (registration.sync == null) {
        return new Emission(snapshot, i, event).start();
      }
      try {
        registration.sync.accept(event);
      } catch (Throwable error) {
        Emission emission = new Emission(snapshot, i + 1, event);
        emission.fail(error);
        return emission.start();
      }
    }
    return DONE;
  }

  /** How many registrations {@code type} has right now. */
  public int subscriberCount(EventType<?> type) {
    Registration[] current = registrations.get(type);
    return current == null ? 0 : current.length;
  }

  /** Whether the bus holds any state for {@code type}; false once its last subscriber is gone. */
  boolean tracks(EventType<?> type) {
    return registrations.containsKey(type);
  }

  private Subscription add(Registration registration) {
    registrations.compute(
        registration.type,
        (type, current) -> {
          if (current == null) {
            return new Registration[] {registration};
          }
          Registration[] next = Arrays.copyOf(current, current.length + 1);
          next[current.length] = registration;
          return next;
        });
    return registration;
  }

  private void remove(Registration registration) {
    registrations.computeIfPresent(
        registration.type,
        (type, current) -> {
          int at = -1;
          for (int i = 0; i < current.length; i++) {
            if (current[i] == registration) { // identity: equal lambdas are distinct registrations
              at = i;
              break;
            }
          }
          if (at < 0) {
            return current;
          }
          if (current.length == 1) {
            return null; // drop the type so unused types leave nothing behind
          }
          Registration[] next = new Registration[current.length - 1];
          System.arraycopy(current, 0, next, 0, at);
          System.arraycopy(current, at + 1, next, at, current.length - at - 1);
          return next;
        });
  }

  private static Throwable unwrap(Throwable error) {
    if (error instanceof CompletionException && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    try {
      done.join();
      throw new IllegalStateException("future was expected to have failed");
    } catch (CompletionException e) {
      return unwrap(e);
    } catch (CancellationException e) {
      return e;
    }
  }

  /** One handler on one type; doubles as its own subscription handle. */
  private static final class Registration implements Subscription {
    final EventBus bus;
    final EventType<?> type;
    final Consumer<Object> sync;
    final Function<Object, ? extends CompletionStage<?>> async;

    Registration(
        EventBus bus,
        EventType<?> type,
        Consumer<Object> sync,
        Function<Object, ? extends CompletionStage<?>> async) {
      this.bus = bus;
      this.type = type;
      this.sync = sync;
      this.async = async;
    }

    @Override
    public void unsubscribe() {
      bus.remove(this);
    }
  }

  /**
   * The state of one emit once it can no longer finish on the fast path. Only one thread drives it
   * at a time: the emitting thread, then whichever thread completes a pending stage; the {@link
   * Step} handoff orders their memory effects.
   */
  private static final class Emission {
    private final Registration[] subscribers;
    private final Object event;
    private int next;
    private ArrayList<Throwable> errors;
    private CompletableFuture<Void> result;

    Emission(Registration[] subscribers, int next, Object event) {
      this.subscribers = subscribers;
      this.next = next;
      this.event = event;
    }

    void fail(Throwable error) {
      if (errors == null) {
        errors = new ArrayList<>(2);
      }
      errors.add(error);
    }

    CompletableFuture<Void> start() {
      if (!drive()) {
        return result; // created before the first handoff
      }
      if (result == null) {
        return errors == null
            ? DONE
            : CompletableFuture.failedFuture(new EventBusAggregateException(errors));
      }
      finish();
      return result;
    }

    void resume() {
      if (drive()) {
        finish();
      }
    }

    private void finish() {
      if (errors == null) {
        result.complete(null);
      } else {
        result.completeExceptionally(new EventBusAggregateException(errors));
      }
    }

    /**
     * Runs subscribers until all are done (returns true) or one returned a stage that is still
     * pending (returns false; that stage's completion resumes the emit).
     */
    private boolean drive() {
      while (next < subscribers.length) {
        Registration registration = subscribers[next++];
        if (registration.sync != null) {
          try {
            registration.sync.accept(event);
          } catch (Throwable error) {
            fail(error);
          }
          continue;
        }
        CompletionStage<?> stage;
        try {
          stage = registration.async.apply(event);
        } catch (Throwable error) {
          fail(error);
          continue;
        }
        if (stage == null) {
          continue;
        }
        // Exact class only: subclasses such as minimalCompletionStage() refuse isDone().
        if (stage.getClass() == CompletableFuture.class) {
          CompletableFuture<?> future = (CompletableFuture<?>) stage;
          if (future.isDone()) {
            if (future.isCompletedExceptionally()) {
              fail(failureOf(future));
            }
            continue;
          }
        }
        if (result == null) {
          result = new CompletableFuture<>();
        }
        Step step = new Step(this);
        try {
          stage.whenComplete(step);
        } catch (Throwable error) {
          if (step.compareAndSet(Step.PENDING, Step.ABANDONED)) {
            fail(error);
            continue;
          }
        }
        if (step.compareAndSet(Step.PENDING, Step.DRIVER_LEFT)) {
          return false;
        }
        // The stage completed while we registered (often inline): take its outcome and go on here.
        if (step.error != null) {
          fail(step.error);
        }
      }
      return true;
    }
  }

  /**
   * Hands one pending stage's outcome to whoever arrives second: the emitting loop (which then just
   * continues) or the completion callback (which then resumes the emit on its own thread).
   */
  private static final class Step extends AtomicInteger implements BiConsumer<Object, Throwable> {
    static final int PENDING = 0;
    static final int DRIVER_LEFT = 1;
    static final int CALLBACK_DONE = 2;
    static final int ABANDONED = 3;

    private final transient Emission emission;
    private transient Throwable error; // published by the CAS on this step's state

    Step(Emission emission) {
      this.emission = emission;
    }

    @Override
    public void accept(Object ignored, Throwable failure) {
      Throwable cause = failure == null ? null : unwrap(failure);
      error = cause;
      int previous = compareAndExchange(PENDING, CALLBACK_DONE);
      if (previous == DRIVER_LEFT) {
        if (cause != null) {
          emission.fail(cause);
        }
        emission.resume();
      }
      // PENDING: the driver is still in its loop and will read `error`; ABANDONED: ignore.
    }
  }

  /** A completed future that cannot be re-completed with obtrude*, so it is safe to share. */
  private static final class SharedCompletedFuture extends CompletableFuture<Void> {
    SharedCompletedFuture() {
      super.complete(null);
    }

    @Override
    public void obtrudeValue(Void value) {
      throw new UnsupportedOperationException("shared completed future");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("shared completed future");
    }
  }
}
