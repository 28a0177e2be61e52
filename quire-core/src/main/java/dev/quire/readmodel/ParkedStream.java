package dev.quire.readmodel;

import dev.quire.consistency.StreamKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A stream a read model stopped indexing because one batch kept failing. Later batches of the
 * stream wait behind it (for that read model only) until {@link ReadModelCoordinator#retry} or
 * {@link ReadModelCoordinator#skip} releases it.
 *
 * @param stream the parked stream
 * @param jobId the job whose batch failed
 * @param attempts how many times the batch was tried
 * @param lastError the failure of the last attempt
 * @param since when the stream was parked (scheduler clock)
 */
public record ParkedStream(StreamKey stream, String jobId, int attempts, Throwable lastError, Instant since) {

  public ParkedStream {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(since, "since");
  }
}
