package dev.quire.view;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.model.QuireException;
import java.util.OptionalLong;

/**
 * An operation arrived without its resulting state and the view holds no snapshot at the index
 * just before it, so the state cannot be rebuilt. The batch fails and changes nothing; replaying
 * the stream from its start (or from the snapshot's index) repairs it.
 */
public class MissingSnapshotException extends QuireException {

  private final ConsistencyCoordinate coordinate;
  private final OptionalLong snapshotIndex;

  public MissingSnapshotException(ConsistencyCoordinate coordinate, OptionalLong snapshotIndex, String reason) {
    super("Cannot rebuild the state of " + coordinate + ": " + reason + " (view snapshot at "
        + (snapshotIndex.isPresent() ? "index " + snapshotIndex.getAsLong() : "none") + ")");
    this.coordinate = coordinate;
    this.snapshotIndex = snapshotIndex;
  }

  /** The operation whose state could not be rebuilt. */
  public ConsistencyCoordinate coordinate() {
    return coordinate;
  }

  /** The index of the snapshot the view holds for that stream; empty when it holds none. */
  public OptionalLong snapshotIndex() {
    return snapshotIndex;
  }
}
