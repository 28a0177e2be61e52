package dev.quire.consistency;

import dev.quire.concurrent.Cancellation;
import dev.quire.concurrent.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** API skeleton; implementation in progress. */
public final class ConsistencyTracker {

  public ConsistencyTracker(String name, Scheduler scheduler) {}

  public ConsistencyTracker(String name) {
    this(name, Scheduler.system());
  }

  public String name() {
    throw new UnsupportedOperationException("TODO");
  }

  public void update(Collection<ConsistencyCoordinate> coordinates) {
    throw new UnsupportedOperationException("TODO");
  }

  public OptionalLong getLatest(StreamKey key) {
    throw new UnsupportedOperationException("TODO");
  }

  public CompletableFuture<Void> waitFor(
      Collection<ConsistencyCoordinate> coordinates, Duration timeout, Cancellation cancellation) {
    throw new UnsupportedOperationException("TODO");
  }

  public CompletableFuture<Void> waitFor(Collection<ConsistencyCoordinate> coordinates, Duration timeout) {
    return waitFor(coordinates, timeout, null);
  }

  public List<TrackerEntry> serialize() {
    throw new UnsupportedOperationException("TODO");
  }

  public void hydrate(Collection<TrackerEntry> entries) {
    throw new UnsupportedOperationException("TODO");
  }

  public void markFailed(StreamKey key, String readModel, Throwable cause) {
    throw new UnsupportedOperationException("TODO");
  }

  public void clearFailure(StreamKey key) {
    throw new UnsupportedOperationException("TODO");
  }

  public int waiterCount() {
    throw new UnsupportedOperationException("TODO");
  }
}
