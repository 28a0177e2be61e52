package dev.quire.sync;

/** Which way a remote link moves operations. */
public enum SyncDirection {
  /** Local writes are sent to the remote. */
  PUSH,
  /** The remote's writes are fetched from it. */
  PULL,
  /** Both. */
  BOTH;

  public boolean pushes() {
    return this != PULL;
  }

  public boolean pulls() {
    return this != PUSH;
  }
}
