package dev.quire.listener;

import dev.quire.model.QuireException;
import java.util.Objects;

/**
 * A listener's code failed on an event (or on a batch); the read model's transaction was rolled
 * back, so nothing of the batch is visible. The coordinator retries the batch with backoff and then
 * parks its streams for this listener only.
 */
public final class ListenerFailedException extends QuireException {

  private static final long serialVersionUID = 1L;

  private final String listener;
  private final transient EventMetadata event;
  private final String eventType;

  /**
   * @param event where the failing event came from; null when the failure was not one event's
   * @param eventType the failing event's type name; null with {@code event}
   */
  public ListenerFailedException(String listener, EventMetadata event, String eventType, String detail,
      Throwable cause) {
    super(message(listener, event, eventType, detail, cause), cause);
    this.listener = Objects.requireNonNull(listener, "listener");
    this.event = event;
    this.eventType = eventType;
  }

  public String listener() {
    return listener;
  }

  /** The failing event's metadata, or null when the failure was not one event's. */
  public EventMetadata event() {
    return event;
  }

  /** The failing event's type name, or null. */
  public String eventType() {
    return eventType;
  }

  private static String message(String listener, EventMetadata event, String eventType, String detail,
      Throwable cause) {
    StringBuilder text = new StringBuilder("Listener ").append(listener).append(" failed");
    if (event != null) {
      text.append(" on ").append(eventType).append(" of ").append(event.coordinate())
          .append(" (ordinal ").append(event.ordinal()).append(", action ").append(event.actionType()).append(')');
    }
    if (detail != null) {
      text.append(' ').append(detail);
    }
    if (cause != null) {
      String message = cause.getMessage();
      text.append(": ").append(message == null ? cause.getClass().getName() : message);
    }
    return text.toString();
  }
}
