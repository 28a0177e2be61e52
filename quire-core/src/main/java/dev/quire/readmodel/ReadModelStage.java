package dev.quire.readmodel;

/** Whether a read model holds {@code OPERATIONS_READY} back (pre) or runs after it (post, eventual). */
public enum ReadModelStage {
  PRE_READY,
  POST_READY
}
