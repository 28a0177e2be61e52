package dev.quire.consistency;

import dev.quire.model.QuireException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A consistency wait ran out of time. It names the tracker (the read model that lagged), every
 * coordinate still unmet with the latest index that tracker had seen, and how long it waited:
 * {@code document-view: timed out after 5000 ms waiting for doc1:global:main@42 (latest 40)}.
 */
public final class ConsistencyTimeoutException extends QuireException {

  private static final long serialVersionUID = 1L;

  private final String trackerName;
  private final List<UnmetCoordinate> unmet;
  private final Duration waited;

  public ConsistencyTimeoutException(String trackerName, List<UnmetCoordinate> unmet, Duration waited) {
    super(message(trackerName, unmet, waited));
    this.trackerName = trackerName;
    this.unmet = List.copyOf(unmet);
    this.waited = waited;
  }

  public String trackerName() {
    return trackerName;
  }

  /** The coordinates not reached when the wait timed out, in the order the caller gave them. */
  public List<UnmetCoordinate> unmet() {
    return unmet;
  }

  public Duration waited() {
    return waited;
  }

  private static String message(String trackerName, List<UnmetCoordinate> unmet, Duration waited) {
    Objects.requireNonNull(trackerName, "trackerName");
    Objects.requireNonNull(unmet, "unmet");
    Objects.requireNonNull(waited, "waited");
    return trackerName
        + ": timed out after "
        + waited.toMillis()
        + " ms waiting for "
        + unmet.stream().map(UnmetCoordinate::toString).collect(Collectors.joining(", "));
  }

  /**
   * A wanted position and the latest index the tracker had for its stream.
   *
   * @param latest empty when the tracker had never seen the stream
   */
  public record UnmetCoordinate(ConsistencyCoordinate coordinate, OptionalLong latest) {

    public UnmetCoordinate {
      Objects.requireNonNull(coordinate, "coordinate");
      Objects.requireNonNull(latest, "latest");
    }

    @Override
    public String toString() {
      return coordinate + " (latest " + (latest.isPresent() ? latest.getAsLong() : "none") + ")";
    }
  }
}
