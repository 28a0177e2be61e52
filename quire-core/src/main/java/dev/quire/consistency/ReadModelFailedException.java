package dev.quire.consistency;

import dev.quire.model.QuireException;
import java.util.Objects;

/**
 * A read model parked a stream after failing to index it, so a wait for an unindexed position of
 * that stream would never end. Raised instead of hanging; retrying or skipping the parked batch
 * (and {@link ConsistencyTracker#clearFailure}) lets new waits through again.
 */
public final class ReadModelFailedException extends QuireException {

  private static final long serialVersionUID = 1L;

  private final String readModel;
  private final StreamKey stream;

  public ReadModelFailedException(String readModel, StreamKey stream, Throwable cause) {
    super(readModel + " failed on " + stream + describe(cause), cause);
    this.readModel = Objects.requireNonNull(readModel, "readModel");
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  public String readModel() {
    return readModel;
  }

  public StreamKey stream() {
    return stream;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "";
    }
    String message = cause.getMessage();
    return ": " + (message == null ? cause.getClass().getName() : message);
  }
}
