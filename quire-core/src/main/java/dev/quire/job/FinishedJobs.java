package dev.quire.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finished jobs in the order they finished, with when, bounded in count and age: which of them the
 * tracker should forget. Two arrays used as a ring, not a node per job: under load the tracker
 * holds up to 100,000 finished jobs, and every object they keep alive is copied by each young
 * collection until it is promoted (measured: 33–36 ms young pauses with a node per job and the full
 * {@link JobInfo} kept, at 5,800 jobs/s). The ring starts small and doubles up to the capacity, so
 * a reactor that finishes few jobs (a test, an idle server) does not hold arrays sized for 100,000.
 *
 * <p>Thread-safe (one lock; a job finishing takes it once).
 */
final class FinishedJobs {

  static final int INITIAL_SLOTS = 256;

  private final int capacity;
  private final long retentionNanos;
  private String[] ids;
  private long[] finishedAt;
  private int oldest;
  private int size;

  FinishedJobs(int capacity, long retentionNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.retentionNanos = retentionNanos;
    int slots = Math.min(capacity, INITIAL_SLOTS);
    this.ids = new String[slots];
    this.finishedAt = new long[slots];
  }

  /**
   * Records that {@code jobId} finished at {@code nowNanos}; returns the jobs to forget: the oldest
   * beyond the capacity and every one finished longer than the retention ago.
   */
  synchronized List<String> add(String jobId, long nowNanos) {
    List<String> forget = List.of();
    while (size > 0 && (size == capacity || nowNanos - finishedAt[oldest] > retentionNanos)) {
      if (forget.isEmpty()) {
        forget = new ArrayList<>(2);
      }
      forget.add(ids[oldest]);
      ids[oldest] = null;
      oldest = (oldest + 1) % ids.length;
      size--;
    }
    if (size == ids.length) {
      grow();
    }
    int slot = (oldest + size) % ids.length;
    ids[slot] = jobId;
    finishedAt[slot] = nowNanos;
    size++;
    return forget;
  }

  synchronized int size() {
    return size;
  }

  /** Slots allocated now, at most the capacity (a test seam). */
  synchronized int slots() {
    return ids.length;
  }

  /** Doubles the ring (up to the capacity), laying its jobs out oldest first from slot 0. */
  private void grow() {
    int slots = (int) Math.min(capacity, 2L * ids.length);
    String[] grownIds = new String[slots];
    long[] grownTimes = new long[slots];
    int head = ids.length - oldest;
    System.arraycopy(ids, oldest, grownIds, 0, Math.min(head, size));
    System.arraycopy(finishedAt, oldest, grownTimes, 0, Math.min(head, size));
    if (head < size) {
      System.arraycopy(ids, 0, grownIds, head, size - head);
      System.arraycopy(finishedAt, 0, grownTimes, head, size - head);
    }
    ids = grownIds;
    finishedAt = grownTimes;
    oldest = 0;
  }

  /** The retained ids, oldest first (a test seam). */
  synchronized List<String> idsOldestFirst() {
    String[] out = new String[size];
    for (int i = 0; i < size; i++) {
      out[i] = ids[(oldest + i) % ids.length];
    }
    return Arrays.asList(out);
  }
}
