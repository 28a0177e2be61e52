package dev.quire.sync;

import java.time.Duration;

/**
 * How a remote link behaves.
 *
 * @param bearerToken sent as {@code Authorization: Bearer ...} to the remote; null for none
 * @param batchSize operations per page pulled or pushed (also the back-pressure unit: the next page
 *     is only fetched once the previous one is applied and indexed)
 * @param pollInterval delay between pulls when the remote had nothing new
 * @param retryBase first retry delay after a failure; doubles per failure (jittered to ½..1×)
 * @param retryMax cap of the retry delay
 * @param applyTimeout how long one page may take to apply before the attempt counts as failed
 */
public record RemoteOptions(SyncDirection direction, String bearerToken, int batchSize, Duration pollInterval,
    Duration retryBase, Duration retryMax, Duration applyTimeout) {

  public static final RemoteOptions DEFAULTS = new RemoteOptions(SyncDirection.BOTH, null, 500,
      Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(30));

  public RemoteOptions {
    direction = direction == null ? SyncDirection.BOTH : direction;
    batchSize = batchSize <= 0 ? 500 : batchSize;
    pollInterval = pollInterval == null ? Duration.ofMillis(500) : pollInterval;
    retryBase = retryBase == null ? Duration.ofMillis(200) : retryBase;
    retryMax = retryMax == null ? Duration.ofSeconds(30) : retryMax;
    applyTimeout = applyTimeout == null ? Duration.ofSeconds(30) : applyTimeout;
  }

  public RemoteOptions withDirection(SyncDirection d) {
    return new RemoteOptions(d, bearerToken, batchSize, pollInterval, retryBase, retryMax, applyTimeout);
  }

  public RemoteOptions withBearerToken(String token) {
    return new RemoteOptions(direction, token, batchSize, pollInterval, retryBase, retryMax, applyTimeout);
  }

  public RemoteOptions withPollInterval(Duration interval) {
    return new RemoteOptions(direction, bearerToken, batchSize, interval, retryBase, retryMax, applyTimeout);
  }

  public RemoteOptions withBatchSize(int size) {
    return new RemoteOptions(direction, bearerToken, size, pollInterval, retryBase, retryMax, applyTimeout);
  }
}
