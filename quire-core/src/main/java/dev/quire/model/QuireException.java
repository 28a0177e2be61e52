package dev.quire.model;

/** Base of every exception Quire throws on purpose; unchecked. */
public class QuireException extends RuntimeException {

  public QuireException(String message) {
    super(message);
  }

  public QuireException(String message, Throwable cause) {
    super(message, cause);
  }
}
