package dev.quire.readmodel;

import dev.quire.concurrent.Cancellation;
import dev.quire.consistency.ConsistencyToken;
import java.time.Duration;

/**
 * How a query waits for consistency.
 *
 * @param token the writes the answer must reflect; empty for "whatever is indexed now"
 * @param timeout how long to wait for the token; null for the read model's default
 * @param cancellation ends the wait early; may be null
 */
public record ReadOptions(ConsistencyToken token, Duration timeout, Cancellation cancellation) {

  public static final ReadOptions NONE = new ReadOptions(ConsistencyToken.empty(), null, null);

  public ReadOptions {
    token = token == null ? ConsistencyToken.empty() : token;
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
  }

  public static ReadOptions after(ConsistencyToken token) {
    return new ReadOptions(token, null, null);
  }

  public static ReadOptions after(ConsistencyToken token, Duration timeout) {
    return new ReadOptions(token, timeout, null);
  }
}
