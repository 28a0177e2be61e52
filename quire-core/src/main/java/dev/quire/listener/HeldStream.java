package dev.quire.listener;

import dev.quire.consistency.StreamKey;
import java.util.Objects;

/**
 * A stream a listener stopped replaying during catch-up, rebuild or replay because its events kept
 * failing. Its later events are not applied (stream order is kept) and waits on it fail fast until
 * {@code retry} applies it or {@code skip} drops the failing operation. Live batches of a stream
 * parked by the coordinator are reported by the coordinator's status instead.
 *
 * @param stream the held stream
 * @param ordinal store ordinal of the operation that failed
 * @param index its index in the stream
 * @param error why
 */
public record HeldStream(StreamKey stream, long ordinal, long index, Throwable error) {

  public HeldStream {
    Objects.requireNonNull(stream, "stream");
  }
}
