package dev.quire.store;

import dev.quire.consistency.StreamKey;
import dev.quire.model.QuireException;

/** An operation id is already stored in the stream at another position. */
public class DuplicateOperationException extends QuireException {

  private final StreamKey stream;
  private final String operationId;

  public DuplicateOperationException(StreamKey stream, String operationId, long index) {
    super("Duplicate operation " + operationId + " at index " + index + " on " + stream);
    this.stream = stream;
    this.operationId = operationId;
  }

  public StreamKey stream() {
    return stream;
  }

  public String operationId() {
    return operationId;
  }
}
