package dev.quire.job;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finished jobs in the order they finished, bounded in count and age, kept without an object per
 * job: each is encoded into a fixed-size slot of one byte array, found through an open-addressing
 * table of slot numbers. Under load the tracker holds up to 100,000 finished jobs for about 20 s;
 * as objects (about ten per job) every young collection copied the recent ones until they were
 * promoted, and those pauses set the open-loop p99 (24 ms with 100,000 kept, 10–14 ms with 1,000,
 * at 5,000 jobs/s). The arrays start small and double up to the capacity, so an idle reactor does
 * not hold space for 100,000 jobs; large, they are allocated outside the young generation.
 *
 * <p>A job whose encoding does not fit a slot (long ids, errors, a token of many streams) is kept
 * as its {@link JobInfo} beside the slot: rare, and still bounded by the capacity.
 *
 * <p>Thread-safe (one lock).
 */
final class FinishedJobs {

  static final int INITIAL_SLOTS = 256;
  /** Room for a 36-character job id, a 64-character document id and a one-stream token. */
  static final int SLOT_BYTES = 256;

  private static final JobStatus[] STATUSES = JobStatus.values();

  private final int capacity;
  private final long retentionNanos;
  private byte[] data;
  private int[] hashes;
  private long[] finishedAt;
  /** Open addressing, linear probing: slot + 1, or 0 for an empty entry. Twice the slots, a power of two. */
  private int[] table;
  private final Map<Integer, JobInfo> oversized = new HashMap<>();
  private final Encoder encoder = new Encoder();
  private int oldest;
  private int size;

  FinishedJobs(int capacity, long retentionNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.retentionNanos = retentionNanos;
    allocate(Math.min(capacity, INITIAL_SLOTS));
  }

  /**
   * Keeps {@code info} (terminal) as finished at {@code nowNanos}, first forgetting the oldest jobs
   * beyond the capacity and every one finished longer than the retention ago.
   */
  synchronized void add(JobInfo info, long nowNanos) {
    while (size > 0 && (size == capacity || nowNanos - finishedAt[oldest] > retentionNanos)) {
      forgetOldest();
    }
    if (size == slots()) {
      grow();
    }
    int slot = (oldest + size) % slots();
    finishedAt[slot] = nowNanos;
    store(slot, info);
    index(slot);
    size++;
  }

  synchronized boolean contains(String jobId) {
    return find(jobId) >= 0;
  }

  synchronized Optional<JobInfo> get(String jobId) {
    int slot = find(jobId);
    return slot < 0 ? Optional.empty() : Optional.of(load(slot, jobId));
  }

  /**
   * Applies {@code transition} to a kept job (a terminal job that moves on, READ_FAILED →
   * READ_READY); null from it changes nothing. Returns the new info, or empty if the job is not kept
   * or did not change.
   */
  synchronized Optional<JobInfo> update(String jobId, UnaryOperator<JobInfo> transition) {
    int slot = find(jobId);
    if (slot < 0) {
      return Optional.empty();
    }
    JobInfo next = transition.apply(load(slot, jobId));
    if (next == null) {
      return Optional.empty();
    }
    store(slot, next);
    return Optional.of(next);
  }

  synchronized int size() {
    return size;
  }

  /** Slots allocated now, at most the capacity (a test seam). */
  synchronized int slots() {
    return finishedAt.length;
  }

  /** Kept jobs that did not fit their slot (a test seam). */
  synchronized int keptAsObjects() {
    return oversized.size();
  }

  /** The kept jobs' ids, oldest first (a test seam). */
  synchronized List<String> idsOldestFirst() {
    List<String> ids = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ids.add(idAt((oldest + i) % slots()));
    }
    return ids;
  }

  private void forgetOldest() {
    unindex(oldest);
    forgetOversized(oldest);
    oldest = (oldest + 1) % slots();
    size--;
  }

  private void store(int slot, JobInfo info) {
    forgetOversized(slot);
    hashes[slot] = info.id().hashCode();
    if (!encoder.encode(info, data, slot * SLOT_BYTES)) {
      oversized.put(slot, info);
    }
  }

  private JobInfo load(int slot, String jobId) {
    JobInfo kept = oversizedAt(slot);
    return kept != null ? kept : Decoder.at(data, slot).job(jobId);
  }

  /** The slot holding {@code jobId}, or -1. */
  private int find(String jobId) {
    int hash = jobId.hashCode();
    int mask = table.length - 1;
    for (int i = spread(hash) & mask; table[i] != 0; i = (i + 1) & mask) {
      int slot = table[i] - 1;
      if (hashes[slot] == hash && holds(slot, jobId)) {
        return slot;
      }
    }
    return -1;
  }

  /** Whether {@code slot} holds {@code jobId}; compares the encoded bytes, building no String. */
  private boolean holds(int slot, String jobId) {
    JobInfo kept = oversizedAt(slot);
    return kept != null ? kept.id().equals(jobId) : Decoder.at(data, slot).stringEquals(jobId);
  }

  private String idAt(int slot) {
    JobInfo kept = oversizedAt(slot);
    return kept != null ? kept.id() : Decoder.at(data, slot).string();
  }

  // Almost always empty: checking first spares every lookup a boxed slot number and a hash probe.
  private JobInfo oversizedAt(int slot) {
    return oversized.isEmpty() ? null : oversized.get(slot);
  }

  private void forgetOversized(int slot) {
    if (!oversized.isEmpty()) {
      oversized.remove(slot);
    }
  }

  private void index(int slot) {
    int mask = table.length - 1;
    int i = spread(hashes[slot]) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = slot + 1;
  }

  /** Removes the slot's entry, shifting later entries of its probe run back (no tombstones). */
  private void unindex(int slot) {
    int mask = table.length - 1;
    int i = spread(hashes[slot]) & mask;
    while (table[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = spread(hashes[table[j] - 1]) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      boolean homeAfterHole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!homeAfterHole) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  private void allocate(int slots) {
    data = new byte[slots * SLOT_BYTES];
    hashes = new int[slots];
    finishedAt = new long[slots];
    table = new int[Integer.highestOneBit(slots * 2 - 1) << 1];
  }

  /** Doubles the slots (up to the capacity), laying the jobs out oldest first from slot 0. */
  private void grow() {
    byte[] oldData = data;
    int[] oldHashes = hashes;
    long[] oldTimes = finishedAt;
    Map<Integer, JobInfo> oldOversized = new HashMap<>(oversized);
    int oldSlots = oldTimes.length;
    allocate((int) Math.min(capacity, 2L * oldSlots));
    oversized.clear();
    for (int i = 0; i < size; i++) {
      int from = (oldest + i) % oldSlots;
      System.arraycopy(oldData, from * SLOT_BYTES, data, i * SLOT_BYTES, SLOT_BYTES);
      hashes[i] = oldHashes[from];
      finishedAt[i] = oldTimes[from];
      JobInfo kept = oldOversized.isEmpty() ? null : oldOversized.get(from);
      if (kept != null) {
        oversized.put(i, kept);
      }
      index(i);
    }
    oldest = 0;
  }

  /** Writes a job into one slot; reuses its buffer, so only the strings' bytes are allocated. */
  private static final class Encoder {
    private byte[] out;
    private int at;
    private int end;

    /** False when the job does not fit the slot (nothing useful is left in it then). */
    boolean encode(JobInfo info, byte[] target, int offset) {
      out = target;
      at = offset;
      end = offset + SLOT_BYTES;
      return string(info.id())
          && string(info.documentId())
          && put((byte) info.status().ordinal())
          && instant(info.createdAt())
          && instant(info.completedAt())
          && integer(info.attempts())
          && info.error() == null
          && info.errorHistory().isEmpty()
          && token(info.consistencyToken().orElse(null));
    }

    private boolean token(ConsistencyToken token) {
      if (token == null) {
        return put((byte) 0);
      }
      if (!put((byte) 1) || !instant(token.createdAt()) || !integer(token.coordinates().size())) {
        return false;
      }
      for (ConsistencyCoordinate c : token.coordinates()) {
        if (!string(c.documentId()) || !string(c.scope()) || !string(c.branch()) || !longValue(c.operationIndex())) {
          return false;
        }
      }
      return true;
    }

    private boolean instant(Instant instant) {
      if (instant == null) {
        return put((byte) 0);
      }
      return put((byte) 1) && longValue(instant.getEpochSecond()) && integer(instant.getNano());
    }

    private boolean string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 255 || at + 1 + bytes.length > end) {
        return false;
      }
      out[at++] = (byte) bytes.length;
      System.arraycopy(bytes, 0, out, at, bytes.length);
      at += bytes.length;
      return true;
    }

    private boolean integer(int v) {
      if (at + 4 > end) {
        return false;
      }
      for (int shift = 24; shift >= 0; shift -= 8) {
        out[at++] = (byte) (v >>> shift);
      }
      return true;
    }

    private boolean longValue(long v) {
      return integer((int) (v >>> 32)) && integer((int) v);
    }

    private boolean put(byte b) {
      if (at >= end) {
        return false;
      }
      out[at++] = b;
      return true;
    }
  }

  /** Reads a slot that {@link Encoder} wrote, in the same order. */
  private static final class Decoder {
    private final byte[] in;
    private int at;

    private Decoder(byte[] in, int at) {
      this.in = in;
      this.at = at;
    }

    static Decoder at(byte[] data, int slot) {
      return new Decoder(data, slot * SLOT_BYTES);
    }

    JobInfo job(String jobId) {
      skipString(); // the id, known
      String documentId = string();
      JobStatus status = STATUSES[in[at++]];
      Instant createdAt = instant();
      Instant completedAt = instant();
      int attempts = integer();
      ConsistencyToken token = null;
      if (in[at++] == 1) {
        Instant tokenCreated = instant();
        int count = integer();
        List<ConsistencyCoordinate> coordinates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          coordinates.add(new ConsistencyCoordinate(string(), string(), string(), longValue()));
        }
        token = ConsistencyToken.of(tokenCreated, coordinates);
      }
      return new JobInfo(jobId, documentId, status, createdAt, completedAt, null, List.of(), Optional.ofNullable(token),
          attempts);
    }

    private void skipString() {
      int length = in[at++] & 0xFF;
      at += length;
    }

    /**
     * Whether the next string is {@code expected}, without decoding it. As many bytes as characters
     * means ASCII, compared character by character (a UUID, most ids); otherwise the id has
     * characters beyond ASCII and is encoded to compare.
     */
    boolean stringEquals(String expected) {
      int length = in[at] & 0xFF;
      int from = at + 1;
      if (expected.length() != length) {
        byte[] encoded = expected.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(encoded, 0, encoded.length, in, from, from + length);
      }
      for (int i = 0; i < length; i++) {
        char c = expected.charAt(i);
        // A character beyond ASCII takes more than one byte: then the stored bytes are another id.
        if (c >= 0x80 || in[from + i] != (byte) c) {
          return false;
        }
      }
      return true;
    }

    String string() {
      int length = in[at++] & 0xFF;
      String s = new String(in, at, length, StandardCharsets.UTF_8);
      at += length;
      return s;
    }

    private Instant instant() {
      if (in[at++] == 0) {
        return null;
      }
      long seconds = longValue();
      return Instant.ofEpochSecond(seconds, integer());
    }

    private int integer() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | (in[at++] & 0xFF);
      }
      return v;
    }

    private long longValue() {
      return ((long) integer() << 32) | (integer() & 0xFFFFFFFFL);
    }
  }
}
