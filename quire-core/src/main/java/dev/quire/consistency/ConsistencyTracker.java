package dev.quire.consistency;

import dev.quire.concurrent.Cancellation;
import dev.quire.concurrent.Scheduler;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What one read model has committed: the highest operation index per {@link StreamKey}, and
 * futures that complete once given coordinates are reached.
 *
 * <p>Indexes only move up ({@link #update} ignores a lower or equal index). A wait ends in exactly
 * one {@link WaitOutcome}: it completes normally when every coordinate is reached, or fails with
 * {@link ConsistencyTimeoutException}, {@link WaitCancelledException} or
 * {@link ReadModelFailedException}. A failed stream ({@link #markFailed}) only fails waits that still
 * need a position on it; an index reached is a fact and satisfies waits regardless.
 *
 * <p>Concurrency: the latest indexes live in a {@link ConcurrentHashMap} written without a lock, so
 * {@link #update} from many indexing threads costs a map write per advanced stream and, when no
 * one waits, nothing more. Waiters live in {@code waitersByKey} (a waiter is filed under each
 * stream it still needs, with a count of those streams), guarded by {@code lock} together with
 * the failure map; an update takes the lock only when waiters exist and then visits only the
 * waiters filed under the streams it advanced. The missed-wake-up race between a wait's check and
 * an update's write is closed Dekker-style: a slow-path wait raises {@code activeWaiters} (a full
 * fence) before it reads the indexes, and an update issues a full fence after its writes before it
 * reads {@code activeWaiters}; so either the update sees the waiter and takes the lock (after the
 * waiter is filed) or the wait reads the new index. Futures are always completed, and timers and
 * cancellation callbacks always cancelled, after the lock is released, so callbacks attached to a
 * returned future never run under it. {@link #hydrate} takes the lock but is not atomic with
 * respect to concurrent lock-free {@link #update}s; call it before indexing starts.
 */
public final class ConsistencyTracker {

  private static final Comparator<StreamKey> KEY_ORDER =
      Comparator.comparing(StreamKey::documentId)
          .thenComparing(StreamKey::scope)
          .thenComparing(StreamKey::branch);

  private final String name;
  private final Scheduler scheduler;
  private final ConcurrentHashMap<StreamKey, Long> latest = new ConcurrentHashMap<>();
  /**
   * One instance per scope and branch name among the keys kept: the tracker keeps a key for every
   * stream it has seen, and keys built from rows or requests carry copies of the same few names
   * (about 100 B a stream; 1,000,000 streams per read model is 100 MB).
   */
  private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
  // Registered waiters plus slow-path waits in flight; the hot-path gate of update().
  private final AtomicInteger activeWaiters = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final Map<StreamKey, Set<Waiter>> waitersByKey = new HashMap<>();
  // Guarded by lock.
  private final Map<StreamKey, Failure> failures = new HashMap<>();

  public ConsistencyTracker(String name, Scheduler scheduler) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    this.name = name;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  public ConsistencyTracker(String name) {
    this(name, Scheduler.system());
  }

  /** The tracker's name, usually its read model's (e.g. {@code document-view}). */
  public String name() {
    return name;
  }

  /**
   * Records that the read model committed these positions: per stream the highest index wins, a
   * lower or equal index changes nothing. Wakes exactly the waits this satisfies.
   */
  public void update(Collection<ConsistencyCoordinate> coordinates) {
    Objects.requireNonNull(coordinates, "coordinates");
    List<StreamKey> advanced = null;
    for (Map.Entry<StreamKey, Long> wanted : highestPerKey(coordinates).entrySet()) {
      StreamKey key = wanted.getKey();
      long index = wanted.getValue();
      Long current = latest.get(key);
      if (current != null && current >= index) {
        continue;
      }
      if (current == null) {
        key = kept(key);
      }
      if (latest.merge(key, index, Math::max) == index) {
        if (advanced == null) {
          advanced = new ArrayList<>(2);
        }
        advanced.add(key);
      }
    }
    if (advanced == null) {
      return;
    }
    // Pairs with the increment in registerSlow(): see the class comment.
    VarHandle.fullFence();
    if (activeWaiters.get() == 0) {
      return;
    }
    List<Completion> completions = new ArrayList<>();
    lock.lock();
    try {
      for (StreamKey key : advanced) {
        Set<Waiter> waiters = waitersByKey.get(key);
        if (waiters == null) {
          continue;
        }
        Long now = latest.get(key);
        if (now == null) {
          continue; // a concurrent hydrate dropped the stream
        }
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter waiter = it.next();
          if (waiter.required.get(key) <= now) {
            it.remove();
            if (--waiter.unmetKeys == 0) {
              completions.add(finishLocked(waiter, null));
            }
          }
        }
        if (waiters.isEmpty()) {
          waitersByKey.remove(key);
        }
      }
    } finally {
      lock.unlock();
    }
    complete(completions);
  }

  /** The highest index recorded for {@code key}, empty if the stream was never seen. */
  public OptionalLong getLatest(StreamKey key) {
    Long index = latest.get(Objects.requireNonNull(key, "key"));
    return index == null ? OptionalLong.empty() : OptionalLong.of(index);
  }

  /**
   * A future that completes when every coordinate is reached (at once if they already are, the
   * empty list included). Checks run in this order:
   *
   * <ol>
   *   <li>an already-cancelled {@code cancellation} fails it at once with {@link
   *       WaitCancelledException}, even if the coordinates are met;
   *   <li>all coordinates met: completes at once;
   *   <li>an unmet coordinate on a stream marked failed fails it at once with {@link
   *       ReadModelFailedException};
   *   <li>{@code timeout} of zero fails it at once with {@link ConsistencyTimeoutException} (no
   *       timer is scheduled: zero means "only if consistent now");
   *   <li>otherwise it waits; {@code timeout} (null for none) fails it with {@link
   *       ConsistencyTimeoutException}, {@code cancellation} (may be null) with {@link
   *       WaitCancelledException}, {@link #markFailed} with {@link ReadModelFailedException}.
   * </ol>
   *
   * <p>No thread waits: the future is completed by the update, timer or cancellation that ends
   * it, so callbacks attached without an executor run on that thread (an indexing thread, the
   * scheduler's thread, the canceller); use the {@code *Async} variants for slow work. Cancelling
   * the returned future also releases the waiter.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public CompletableFuture<Void> waitFor(
      Collection<ConsistencyCoordinate> coordinates, Duration timeout, Cancellation cancellation) {
    Objects.requireNonNull(coordinates, "coordinates");
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    Map<StreamKey, Long> required = highestPerKey(coordinates);
    if (cancellation != null && cancellation.isCancelled()) {
      return CompletableFuture.failedFuture(new WaitCancelledException(name));
    }
    if (allMet(required)) {
      return CompletableFuture.completedFuture(null);
    }
    Waiter waiter = new Waiter(required, scheduler.nanoTime());
    Completion early = registerSlow(waiter, timeout);
    if (early != null) {
      complete(List.of(early));
      return waiter.future;
    }
    attachTimerAndCancellation(waiter, timeout, cancellation);
    // Releases the waiter if the caller cancels or completes the future itself.
    waiter.future.whenComplete((ignored, error) -> {
      if (!waiter.done) {
        release(waiter, this::cancelledException);
      }
    });
    return waiter.future;
  }

  public CompletableFuture<Void> waitFor(Collection<ConsistencyCoordinate> coordinates, Duration timeout) {
    return waitFor(coordinates, timeout, null);
  }

  /** Every stream and its latest index, ordered by documentId, scope, branch. */
  public List<TrackerEntry> serialize() {
    List<TrackerEntry> entries = new ArrayList<>(latest.size());
    latest.forEach((key, index) -> entries.add(new TrackerEntry(key, index)));
    entries.sort(Comparator.comparing(TrackerEntry::key, KEY_ORDER));
    return entries;
  }

  /**
   * Replaces the whole state with {@code entries} (a key listed twice keeps its highest index),
   * then settles every waiter against it: waits now satisfied complete, waits that now need a
   * failed stream fail, the rest keep waiting. Meant for startup, before updates flow.
   */
  public void hydrate(Collection<TrackerEntry> entries) {
    Objects.requireNonNull(entries, "entries");
    List<Completion> completions = new ArrayList<>();
    lock.lock();
    try {
      latest.clear();
      for (TrackerEntry entry : entries) {
        if (entry.index() < 0) {
          throw new IllegalArgumentException("index must be >= 0 in " + entry);
        }
        latest.merge(kept(Objects.requireNonNull(entry.key(), "key")), entry.index(), Math::max);
      }
      Set<Waiter> all = Collections.newSetFromMap(new IdentityHashMap<>());
      waitersByKey.values().forEach(all::addAll);
      waitersByKey.clear();
      for (Waiter waiter : all) {
        Completion completion = fileLocked(waiter);
        if (completion != null) {
          completions.add(completion);
        }
      }
    } finally {
      lock.unlock();
    }
    complete(completions);
  }

  /**
   * Records that {@code readModel} parked {@code key} after {@code cause}. Every current wait that
   * still needs a position on {@code key} fails with {@link ReadModelFailedException}, and so does
   * every new one until {@link #clearFailure}. Waits whose coordinate on {@code key} is already
   * met are unaffected.
   */
  public void markFailed(StreamKey key, String readModel, Throwable cause) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(readModel, "readModel");
    Failure failure = new Failure(readModel, cause);
    List<Completion> completions = new ArrayList<>();
    lock.lock();
    try {
      failures.put(key, failure);
      Set<Waiter> waiters = waitersByKey.remove(key);
      if (waiters != null) {
        for (Waiter waiter : waiters) {
          completions.add(finishLocked(waiter, failure.exception(key)));
        }
      }
    } finally {
      lock.unlock();
    }
    complete(completions);
  }

  /** Lifts {@link #markFailed}: new waits on {@code key} wait again. */
  public void clearFailure(StreamKey key) {
    Objects.requireNonNull(key, "key");
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** Waits registered and not yet ended (plus any being registered right now); for leak checks. */
  public int waiterCount() {
    return activeWaiters.get();
  }

  @Override
  public String toString() {
    return "ConsistencyTracker[" + name + ", streams=" + latest.size() + ", waiters=" + waiterCount() + "]";
  }

  // --- waiting internals ---

  /**
   * Files the waiter under the lock, or returns how it ends right now. The count goes up before
   * the indexes are read again: see the class comment.
   */
  private Completion registerSlow(Waiter waiter, Duration timeout) {
    lock.lock();
    try {
      activeWaiters.incrementAndGet();
      Completion completion = fileLocked(waiter);
      if (completion == null && timeout != null && timeout.isZero()) {
        completion = finishLocked(waiter, timeoutException(waiter));
      }
      return completion;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Files {@code waiter} under each stream it still needs (it must not be filed anywhere), or
   * finishes it when it needs none or needs a failed stream. Call with the lock held.
   */
  private Completion fileLocked(Waiter waiter) {
    // Decide once which streams are unmet and file exactly those: re-reading the lock-free indexes
    // for the filing could skip a stream that an update advanced in between, leaving the waiter
    // counting a stream it is filed under nowhere (a lost wake-up).
    List<StreamKey> unmet = null;
    for (Map.Entry<StreamKey, Long> wanted : waiter.required.entrySet()) {
      StreamKey key = wanted.getKey();
      if (!isMet(key, wanted.getValue())) {
        Failure failure = failures.get(key);
        if (failure != null) {
          waiter.unmetKeys = 0;
          return finishLocked(waiter, failure.exception(key));
        }
        if (unmet == null) {
          unmet = new ArrayList<>(waiter.required.size());
        }
        unmet.add(key);
      }
    }
    if (unmet == null) {
      waiter.unmetKeys = 0;
      return finishLocked(waiter, null);
    }
    waiter.unmetKeys = unmet.size();
    for (StreamKey key : unmet) {
      waitersByKey.computeIfAbsent(key, k -> new HashSet<>()).add(waiter);
    }
    // An update that advances one of these streams after the check above saw activeWaiters raised
    // and is now waiting for the lock: it will find the waiter filed.
    return null;
  }

  private void attachTimerAndCancellation(Waiter waiter, Duration timeout, Cancellation cancellation) {
    Scheduler.Cancellable timer = null;
    Scheduler.Cancellable hook = null;
    try {
      if (timeout != null && !exceedsNanos(timeout)) {
        timer = scheduler.schedule(timeout, () -> release(waiter, () -> timeoutException(waiter)));
      }
      if (cancellation != null) {
        // May run the callback right here if cancelled meanwhile; we hold no lock, so that is fine.
        hook = cancellation.onCancel(() -> release(waiter, this::cancelledException));
      }
    } catch (RuntimeException e) {
      cancelQuietly(timer);
      release(waiter, () -> e);
      return;
    }
    boolean alreadyDone;
    lock.lock();
    try {
      alreadyDone = waiter.done;
      if (!alreadyDone) {
        waiter.timer = timer;
        waiter.hook = hook;
      }
    } finally {
      lock.unlock();
    }
    if (alreadyDone) {
      // Whoever finished the waiter saw no handles; they are ours to cancel.
      cancelQuietly(timer);
      cancelQuietly(hook);
    }
  }

  /** Ends a still-open waiter with the given failure (built under the lock, so indexes are current). */
  private void release(Waiter waiter, Supplier<RuntimeException> failure) {
    Completion completion;
    lock.lock();
    try {
      if (waiter.done) {
        return;
      }
      completion = finishLocked(waiter, failure.get());
    } finally {
      lock.unlock();
    }
    complete(List.of(completion));
  }

  /** Marks the waiter done, unfiles it and hands back what to do outside the lock. */
  private Completion finishLocked(Waiter waiter, RuntimeException error) {
    waiter.done = true;
    for (StreamKey key : waiter.required.keySet()) {
      Set<Waiter> waiters = waitersByKey.get(key);
      if (waiters != null && waiters.remove(waiter) && waiters.isEmpty()) {
        waitersByKey.remove(key);
      }
    }
    activeWaiters.decrementAndGet();
    Completion completion = new Completion(waiter, error, waiter.timer, waiter.hook);
    waiter.timer = null;
    waiter.hook = null;
    return completion;
  }

  private WaitCancelledException cancelledException() {
    return new WaitCancelledException(name);
  }

  private ConsistencyTimeoutException timeoutException(Waiter waiter) {
    List<ConsistencyTimeoutException.UnmetCoordinate> unmet = new ArrayList<>();
    for (Map.Entry<StreamKey, Long> wanted : waiter.required.entrySet()) {
      OptionalLong seen = getLatest(wanted.getKey());
      if (seen.isEmpty() || seen.getAsLong() < wanted.getValue()) {
        unmet.add(
            new ConsistencyTimeoutException.UnmetCoordinate(
                ConsistencyCoordinate.of(wanted.getKey(), wanted.getValue()), seen));
      }
    }
    Duration waited = Duration.ofNanos(Math.max(0L, scheduler.nanoTime() - waiter.startNanos));
    return new ConsistencyTimeoutException(name, unmet, waited);
  }

  /** Cancels timers and hooks, then completes futures; never call with the lock held. */
  private static void complete(List<Completion> completions) {
    for (Completion completion : completions) {
      cancelQuietly(completion.timer);
      cancelQuietly(completion.hook);
    }
    for (Completion completion : completions) {
      if (completion.error == null) {
        completion.waiter.future.complete(null);
      } else {
        completion.waiter.future.completeExceptionally(completion.error);
      }
    }
  }

  private static void cancelQuietly(Scheduler.Cancellable handle) {
    if (handle != null) {
      handle.cancel();
    }
  }

  private boolean allMet(Map<StreamKey, Long> required) {
    for (Map.Entry<StreamKey, Long> wanted : required.entrySet()) {
      if (!isMet(wanted.getKey(), wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  private boolean isMet(StreamKey key, long index) {
    Long current = latest.get(key);
    return current != null && current >= index;
  }

  private static boolean exceedsNanos(Duration timeout) {
    // Longer than ~292 years: effectively no deadline, and toNanos() would overflow.
    return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0;
  }

  /** {@code key} with this tracker's instances of its scope and branch names. */
  private StreamKey kept(StreamKey key) {
    String scope = names.computeIfAbsent(key.scope(), name -> name);
    String branch = names.computeIfAbsent(key.branch(), name -> name);
    return scope == key.scope() && branch == key.branch() ? key : new StreamKey(key.documentId(), scope, branch);
  }

  private static Map<StreamKey, Long> highestPerKey(Collection<ConsistencyCoordinate> coordinates) {
    if (coordinates.isEmpty()) {
      return Map.of();
    }
    Map<StreamKey, Long> highest = new LinkedHashMap<>(coordinates.size() * 2);
    for (ConsistencyCoordinate coordinate : coordinates) {
      Objects.requireNonNull(coordinate, "coordinate");
      highest.merge(coordinate.key(), coordinate.operationIndex(), Math::max);
    }
    return highest;
  }

  private record Failure(String readModel, Throwable cause) {
    ReadModelFailedException exception(StreamKey key) {
      return new ReadModelFailedException(readModel, key, cause);
    }
  }

  private record Completion(
      Waiter waiter, RuntimeException error, Scheduler.Cancellable timer, Scheduler.Cancellable hook) {}

  /** One pending wait. Identity equality on purpose: it lives in hash sets. */
  private static final class Waiter {
    final Map<StreamKey, Long> required;
    final long startNanos;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    // Written under lock; volatile so the whenComplete fast check can read it without the lock.
    volatile boolean done;
    // Guarded by lock.
    int unmetKeys;
    Scheduler.Cancellable timer;
    Scheduler.Cancellable hook;

    Waiter(Map<StreamKey, Long> required, long startNanos) {
      this.required = required;
      this.startNanos = startNanos;
    }
  }
}
