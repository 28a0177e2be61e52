package dev.quire.readmodel;

import static org.assertj.core.api.Assertions.fail;

import dev.quire.event.EventBus;
import dev.quire.event.EventType;
import dev.quire.event.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records one event type from a bus; waits on a queue with a deadline, never sleeps. */
final class EventRecorder<T> implements AutoCloseable {

  private final LinkedBlockingQueue<T> pending = new LinkedBlockingQueue<>();
  private final List<T> all = new ArrayList<>();
  private final Subscription subscription;
  private final EventType<T> type;

  private EventRecorder(EventBus bus, EventType<T> type) {
    this.type = type;
    this.subscription =
        bus.subscribe(
            type,
            event -> {
              synchronized (all) {
                all.add(event);
              }
              pending.add(event);
            });
  }

  static <T> EventRecorder<T> on(EventBus bus, EventType<T> type) {
    return new EventRecorder<>(bus, type);
  }

  /** The next event not yet taken, waiting up to 5 s. */
  T next() {
    try {
      T event = pending.poll(TestReadModel.WAIT_SECONDS, TimeUnit.SECONDS);
      if (event == null) {
        fail("No " + type + " event within " + TestReadModel.WAIT_SECONDS + " s");
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every event recorded so far, in delivery order. */
  List<T> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  int count() {
    synchronized (all) {
      return all.size();
    }
  }

  @Override
  public void close() {
    subscription.unsubscribe();
  }
}
