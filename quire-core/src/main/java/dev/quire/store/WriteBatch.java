package dev.quire.store;

import java.util.List;
import java.util.Objects;

/** Everything one job writes; stored atomically (all streams or none). */
public record WriteBatch(String jobId, List<StreamAppend> appends) {

  public WriteBatch {
    Objects.requireNonNull(jobId, "jobId");
    appends = List.copyOf(appends);
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("A write batch needs at least one stream append");
    }
  }
}
