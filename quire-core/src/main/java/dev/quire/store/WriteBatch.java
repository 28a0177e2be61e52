package dev.quire.store;

import dev.quire.consistency.StreamKey;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one job writes; stored atomically (all streams or none). Each stream appears at most
 * once, so a store can check every append against the stream's head as it was before the batch.
 */
public record WriteBatch(String jobId, List<StreamAppend> appends) {

  public WriteBatch {
    Objects.requireNonNull(jobId, "jobId");
    appends = List.copyOf(appends);
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("A write batch needs at least one stream append");
    }
    Set<StreamKey> streams = new HashSet<>();
    for (StreamAppend append : appends) {
      if (!streams.add(append.stream())) {
        throw new IllegalArgumentException(
            "Write batch " + jobId + " appends to " + append.stream() + " twice; put its operations in one StreamAppend");
      }
    }
  }
}
