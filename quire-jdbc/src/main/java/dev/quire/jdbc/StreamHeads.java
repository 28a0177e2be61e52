package dev.quire.jdbc;

import dev.quire.consistency.StreamKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The next index of each stream this process committed to, kept by the append writer when it is
 * the database's only writer ({@link QuireDatabase#soleWriter()}: SQLite, or PostgreSQL opened
 * exclusive), so a group's revision check does not query the heads of streams it wrote before
 * (6 % of all CPU samples of an in-process SQLite load run). Only heads read from or committed to
 * the database go in, after the commit. Should another writer append anyway, a remembered head is
 * too low, the insert fails on the store's unique key, and the writer forgets everything and checks
 * again from the database; so a stale entry costs a retry, never a wrong revision check.
 *
 * <p>Bounded: past {@value #MAX_STREAMS} streams it starts over. Not thread-safe: the writer thread
 * owns it.
 */
final class StreamHeads {

  static final int MAX_STREAMS = 100_000;

  private final boolean enabled;
  private final Map<StreamKey, Long> next = new HashMap<>();

  StreamHeads(boolean enabled) {
    this.enabled = enabled;
  }

  /** The index the stream's next operation takes, or null when not remembered. */
  Long get(StreamKey stream) {
    return next.get(stream);
  }

  /** Remembers a head read from the database or left by a committed group. */
  void remember(StreamKey stream, long nextIndex) {
    if (!enabled) {
      return;
    }
    if (next.size() >= MAX_STREAMS && !next.containsKey(stream)) {
      next.clear();
    }
    next.merge(stream, nextIndex, Math::max);
  }

  /** Drops one stream's head (before remembering what the database says). */
  void forget(StreamKey stream) {
    next.remove(stream);
  }

  void forgetAll() {
    next.clear();
  }
}
