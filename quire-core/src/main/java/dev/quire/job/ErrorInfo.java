package dev.quire.job;

import java.util.Objects;

/**
 * Why a job attempt failed.
 *
 * @param type the simple class name of the exception (e.g. {@code InvalidActionException})
 */
public record ErrorInfo(String type, String message) {

  public ErrorInfo {
    Objects.requireNonNull(type, "type");
    message = message == null ? "" : message;
  }

  public static ErrorInfo of(Throwable error) {
    return new ErrorInfo(error.getClass().getSimpleName(), error.getMessage());
  }
}
