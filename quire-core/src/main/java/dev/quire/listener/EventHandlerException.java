package dev.quire.listener;

/**
 * A listener's handler threw; carries the event it was handling (null when a batch handler threw).
 * The read model turns it into a {@link ListenerFailedException} naming itself.
 */
final class EventHandlerException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient DomainEvent<?> event;
  private final String handler;

  EventHandlerException(DomainEvent<?> event, String handler, Throwable cause) {
    super(cause);
    this.event = event;
    this.handler = handler;
  }

  DomainEvent<?> event() {
    return event;
  }

  String handler() {
    return handler;
  }
}
