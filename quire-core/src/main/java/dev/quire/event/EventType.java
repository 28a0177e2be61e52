package dev.quire.event;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A typed event identifier. Names are unique per JVM: defining a second type with a name already in
 * use fails, so two families of events can never share an identifier on one bus.
 */
public final class EventType<T> {

  private static final ConcurrentMap<String, EventType<?>> DEFINED = new ConcurrentHashMap<>();

  private final String name;
  private final Class<T> payloadType;

  private EventType(String name, Class<T> payloadType) {
    this.name = name;
    this.payloadType = payloadType;
  }

  /**
   * Defines a new event type.
   *
   * @throws IllegalStateException if {@code name} is already defined
   */
  public static <T> EventType<T> define(String name, Class<T> payloadType) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(payloadType, "payloadType");
    EventType<T> type = new EventType<>(name, payloadType);
    EventType<?> previous = DEFINED.putIfAbsent(name, type);
    if (previous != null) {
      throw new IllegalStateException("Event type " + name + " is already defined");
    }
    return type;
  }

  public String name() {
    return name;
  }

  public Class<T> payloadType() {
    return payloadType;
  }

  @Override
  public String toString() {
    return name;
  }
}
