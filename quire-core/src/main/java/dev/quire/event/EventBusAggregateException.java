package dev.quire.event;

import dev.quire.model.QuireException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Every failure of one {@link EventBus#emit emit}, in subscriber order. The bus keeps calling the
 * remaining subscribers after a failure, so one broken subscriber never hides another's error.
 *
 * <p>The message reads {@code "EventBus emit failed with N error(s): m1; m2"}, where each part is the
 * error's message, or its {@code toString()} (class name) when it has none. The first error is the
 * cause; the others are attached as suppressed exceptions so stack traces show them all.
 */
public final class EventBusAggregateException extends QuireException {

  private final transient List<Throwable> errors;

  /**
   * @param errors the failures in order; {@code null} entries are kept and described as "null"
   * @throws IllegalArgumentException if {@code errors} is empty
   */
  public EventBusAggregateException(List<? extends Throwable> errors) {
    super(message(Objects.requireNonNull(errors, "errors")), firstNonNull(errors));
    this.errors = Collections.unmodifiableList(new ArrayList<>(errors));
    boolean first = true;
    for (Throwable error : this.errors) {
      if (error == null) {
        continue;
      }
      if (first) {
        first = false; // already the cause
      } else if (error != this) {
        addSuppressed(error);
      }
    }
  }

  /** The failures, in subscriber order. */
  public List<Throwable> getErrors() {
    return errors;
  }

  private static String message(List<? extends Throwable> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("An aggregate needs at least one error");
    }
    StringBuilder out =
        new StringBuilder("EventBus emit failed with ").append(errors.size()).append(" error(s): ");
    for (int i = 0; i < errors.size(); i++) {
      if (i > 0) {
        out.append("; ");
      }
      out.append(describe(errors.get(i)));
    }
    return out.toString();
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return "null";
    }
    String message = error.getMessage();
    return message != null ? message : error.toString();
  }

  private static Throwable firstNonNull(List<? extends Throwable> errors) {
    for (Throwable error : errors) {
      if (error != null) {
        return error;
      }
    }
    return null;
  }
}
