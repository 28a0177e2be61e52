package dev.quire.consistency;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a consistency wait ended; see {@link #of(Throwable)} to classify a finished wait. */
public enum WaitOutcome {
  /** Every coordinate was reached. */
  SATISFIED,
  /** The deadline passed first ({@link ConsistencyTimeoutException}). */
  TIMED_OUT,
  /** The caller cancelled ({@link WaitCancelledException} or any other cancellation). */
  ABORTED,
  /** The read model parked a stream the wait needed ({@link ReadModelFailedException}). */
  READ_MODEL_FAILED;

  /**
   * Classifies the failure of a wait, as seen in {@code future.handle((v, error) -> ...)}: null
   * means the wait succeeded. {@link CompletionException} and {@link ExecutionException} wrappers
   * are looked through.
   *
   * @throws IllegalArgumentException if {@code failure} is not one a consistency wait ends with; it
   *     is the exception's cause, so nothing is lost
   */
  public static WaitOutcome of(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    if (current == null) {
      return SATISFIED;
    }
    if (current instanceof ConsistencyTimeoutException) {
      return TIMED_OUT;
    }
    if (current instanceof CancellationException) {
      return ABORTED;
    }
    if (current instanceof ReadModelFailedException) {
      return READ_MODEL_FAILED;
    }
    throw new IllegalArgumentException("Not a consistency wait failure: " + current, current);
  }
}
