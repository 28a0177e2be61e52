package dev.quire.consistency;

/** A position a reader wants to see: operation {@code operationIndex} of one stream. */
public record ConsistencyCoordinate(String documentId, String scope, String branch, long operationIndex) {

  public ConsistencyCoordinate {
    if (operationIndex < 0) {
      throw new IllegalArgumentException("operationIndex must be >= 0, got " + operationIndex);
    }
    new StreamKey(documentId, scope, branch); // validates the parts
  }

  public static ConsistencyCoordinate of(StreamKey key, long operationIndex) {
    return new ConsistencyCoordinate(key.documentId(), key.scope(), key.branch(), operationIndex);
  }

  public StreamKey key() {
    return new StreamKey(documentId, scope, branch);
  }

  @Override
  public String toString() {
    return key() + "@" + operationIndex;
  }
}
