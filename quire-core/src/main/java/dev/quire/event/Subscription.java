package dev.quire.event;

/** A handle on an {@link EventBus} subscription. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Stops delivery to the handler; idempotent. Emits already under way still call it. */
  void unsubscribe();

  @Override
  default void close() {
    unsubscribe();
  }
}
