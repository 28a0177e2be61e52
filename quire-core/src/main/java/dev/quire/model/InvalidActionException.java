package dev.quire.model;

/** A reducer refused an action. Deterministic: the job fails without retry. */
public class InvalidActionException extends QuireException {

  private final String actionType;

  public InvalidActionException(String actionType, String message) {
    super(message);
    this.actionType = actionType;
  }

  public InvalidActionException(String actionType, String message, Throwable cause) {
    super(message, cause);
    this.actionType = actionType;
  }

  public String actionType() {
    return actionType;
  }
}
