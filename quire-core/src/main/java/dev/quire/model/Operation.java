package dev.quire.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a stream: the action applied at {@code index}, with the hash of the scope state it
 * produced.
 *
 * @param skip how many preceding operations this one supersedes (0 normally; set by merges)
 * @param error the reducer's message when the action was recorded but rejected; null otherwise
 */
public record Operation(String id, long index, int skip, Instant timestamp, String hash, Action action, String error) {

  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(action, "action");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    if (skip < 0) {
      throw new IllegalArgumentException("skip must be >= 0, got " + skip);
    }
  }
}
