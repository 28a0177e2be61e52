package dev.quire.listener;

/**
 * Handles one domain event type; registered with {@link Listener.Builder#on}.
 *
 * @param <T> the event payload type
 * @param <C> the read model's context, e.g. the {@link java.sql.Connection} of the open transaction
 */
@FunctionalInterface
public interface EventHandler<T, C> {

  void handle(DomainEvent<T> event, C context) throws Exception;
}
