package dev.quire.consistency;

import java.util.concurrent.CancellationException;

/**
 * A consistency wait ended because its {@link dev.quire.concurrent.Cancellation} fired (or was
 * already cancelled when the wait began).
 *
 * <p>This extends {@link CancellationException} rather than {@link dev.quire.model.QuireException}
 * on purpose: the caller itself gave up, and CancellationException is the JDK's word for that. A
 * future failed with it reports {@code isCancelled() == true}, and {@code get()}/{@code join()} throw
 * it as is (not wrapped in an ExecutionException/CompletionException), exactly like a future
 * cancelled with {@code cancel(...)}; code that already handles cancellation needs no new branch.
 * Nothing needs to be reported to a client here (it is the party that went away), so losing the
 * QuireException-to-HTTP mapping costs nothing.
 */
public final class WaitCancelledException extends CancellationException {

  private static final long serialVersionUID = 1L;

  private final String trackerName;

  public WaitCancelledException(String trackerName) {
    super("Operation aborted");
    this.trackerName = trackerName;
  }

  /** The tracker the aborted wait was registered with. */
  public String trackerName() {
    return trackerName;
  }
}
