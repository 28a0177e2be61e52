package dev.quire.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a listener method that handles one domain event type.
 *
 * <pre>{@code
 * @On(TestRunCreated.class)
 * void created(TestRunCreated event, EventMetadata meta, Connection tx) throws SQLException { ... }
 * }</pre>
 *
 * <p>Parameters may appear in any order and each is optional: the payload (a type the event is
 * assignable to), {@link DomainEvent}, {@link EventMetadata}, and the read model's context (a
 * {@link java.sql.Connection} for {@link JdbcListenerReadModel}). Methods may be non-public and may
 * throw checked exceptions. {@link Listener#annotated} resolves them once, at registration.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface On {

  /**
   * The event type handled; events of subtypes are handled too. {@code Void.class} (the default)
   * takes the type of the one parameter that is not a {@link DomainEvent}, {@link EventMetadata}
   * or context.
   */
  Class<?> value() default Void.class;
}
