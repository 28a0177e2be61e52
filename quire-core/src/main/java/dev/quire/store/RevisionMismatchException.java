package dev.quire.store;

import dev.quire.consistency.StreamKey;
import dev.quire.model.QuireException;

/**
 * An append expected the stream to be at one revision and found another: someone else wrote first.
 * Transient: the job is retried against the new head.
 */
public class RevisionMismatchException extends QuireException {

  private final StreamKey stream;
  private final long expected;
  private final long actual;

  /**
   * @param expected the revision the append asked for (the index its first operation would take)
   * @param actual the stream's real next index
   */
  public RevisionMismatchException(StreamKey stream, long expected, long actual) {
    super("Revision mismatch on " + stream + ": expected revision " + expected + ", stream is at " + actual);
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }

  public StreamKey stream() {
    return stream;
  }

  public long expected() {
    return expected;
  }

  public long actual() {
    return actual;
  }
}
