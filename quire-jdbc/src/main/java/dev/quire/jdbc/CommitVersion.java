package dev.quire.jdbc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A sequence lock over what a writer remembers of its commits ({@link CommittedRows}): odd while the
 * writer updates its memories, even between. A reader that saw the same even version before and
 * after reading several memories read them all as of one commit; a reader that loaded a row from
 * the tables under a version may remember it only if no commit began since.
 *
 * <p>Concurrency: one writer thread calls {@link #beginWrite()}/{@link #endWrite()}; any thread reads.
 */
final class CommitVersion {

  private final AtomicLong version = new AtomicLong();

  /** The current version, or -1 while the writer is updating (read the tables instead). */
  long stable() {
    long v = version.get();
    return (v & 1) == 0 ? v : -1;
  }

  /** Whether {@code seen} (from {@link #stable()}) is still the version: no commit began since. */
  boolean unchangedSince(long seen) {
    return seen >= 0 && version.get() == seen;
  }

  /** Writer, after its transaction committed and before it updates its memories. */
  void beginWrite() {
    version.incrementAndGet();
  }

  /** Writer, once its memories are updated. */
  void endWrite() {
    version.incrementAndGet();
  }
}
