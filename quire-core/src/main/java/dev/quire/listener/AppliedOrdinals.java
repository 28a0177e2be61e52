package dev.quire.listener;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which store ordinals a listener has dealt with (applied, or found to mean nothing to it), as a
 * watermark (every ordinal up to it is done) plus the ranges done above it. Batches of different
 * streams commit out of ordinal order, so only the watermark is a safe place to resume a scan of
 * the store from; the ranges let it jump forward once a gap fills. Ranges merge, so the structure
 * stays as small as the number of gaps.
 *
 * <p>Concurrency: not thread-safe; owned by the read model's worker thread.
 */
final class AppliedOrdinals {

  private long watermark;
  /** Range start to range end (inclusive), every start above {@code watermark + 1}. */
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  AppliedOrdinals(long watermark) {
    if (watermark < 0) {
      throw new IllegalArgumentException("watermark must be >= 0, got " + watermark);
    }
    this.watermark = watermark;
  }

  AppliedOrdinals copy() {
    AppliedOrdinals copy = new AppliedOrdinals(watermark);
    copy.ranges.putAll(ranges);
    return copy;
  }

  /** Every ordinal up to this one is done. */
  long watermark() {
    return watermark;
  }

  /** How many separate ranges wait above the watermark (the gaps that hold it back). */
  int pendingRanges() {
    return ranges.size();
  }

  boolean contains(long ordinal) {
    if (ordinal <= watermark) {
      return true;
    }
    Map.Entry<Long, Long> floor = ranges.floorEntry(ordinal);
    return floor != null && floor.getValue() >= ordinal;
  }

  void add(long ordinal) {
    addRange(ordinal, ordinal);
  }

  /** Marks {@code from..to} (inclusive) done. */
  void addRange(long from, long to) {
    if (from > to) {
      throw new IllegalArgumentException("empty range " + from + ".." + to);
    }
    if (to <= watermark) {
      return;
    }
    long start = Math.max(from, watermark + 1);
    long end = to;
    Map.Entry<Long, Long> floor = ranges.floorEntry(start);
    if (floor != null && floor.getValue() >= start - 1) {
      start = floor.getKey();
      end = Math.max(end, floor.getValue());
      ranges.remove(floor.getKey());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
    while (next != null && next.getKey() <= end + 1) {
      end = Math.max(end, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(start);
    }
    if (start == watermark + 1) {
      watermark = end;
    } else {
      ranges.put(start, end);
    }
  }

  @Override
  public String toString() {
    return "AppliedOrdinals[watermark=" + watermark + ", ranges=" + ranges + "]";
  }
}
