package dev.quire.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order a load run writes to its documents: round robin over all of them, in a fixed shuffled
 * order. With the ids in creation order ({@code doc-0}, {@code doc-1}, ...) the jobs in flight at
 * once were on documents with adjacent keys whenever the clients happened to line up, so a commit
 * touched shared B-tree pages: on SQLite the bytes written per job halved and the closed-loop rate
 * swung between about 12,000 and 19,000 jobs/s from run to run of one build (docs/benchmarks.md,
 * "Afternoon"). Real writers pick documents without regard to key order; so does this.
 *
 * <p>The shuffle is seeded, so every run visits the documents in the same order and each document
 * gets one job in every D.
 */
public final class DocumentRotation {

  private static final long SEED = 20261124L;

  private DocumentRotation() {}

  /** {@code count} ids {@code prefix + i} in a fixed shuffled order: job i writes to element i mod count. */
  public static List<String> ids(String prefix, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    Collections.shuffle(ids, new Random(SEED));
    return List.copyOf(ids);
  }
}
