package dev.quire.event;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/** API skeleton; implementation in progress. */
public final class EventBus {

  public <T> Subscription subscribe(EventType<T> type, Consumer<? super T> handler) {
    throw new UnsupportedOperationException("TODO");
  }

  public <T> Subscription subscribeAsync(
      EventType<T> type, Function<? super T, ? extends CompletionStage<?>> handler) {
    throw new UnsupportedOperationException("TODO");
  }

  public <T> CompletableFuture<Void> emit(EventType<T> type, T event) {
    throw new UnsupportedOperationException("TODO");
  }

  public int subscriberCount(EventType<?> type) {
    throw new UnsupportedOperationException("TODO");
  }
}
