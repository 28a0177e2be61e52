package dev.quire.store;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link OperationStore} in memory: for tests, examples and single-process use without
 * durability.
 *
 * <p>Concurrency: appends run under one {@link ReentrantLock}, which makes a batch's checks and
 * writes atomic across its streams and hands out ordinals in commit order. Reads take no lock. Each
 * stream and the store-wide ordinal log are {@link AppendLog}s; a batch is published by one volatile
 * write to the ordinal log after its streams are written, and every read is bounded by the ordinal
 * it saw published first. So readers see whole batches or nothing, and {@link #getSinceOrdinal}
 * never sees a later ordinal before an earlier one: there are no gaps to skip.
 */
public final class InMemoryOperationStore implements OperationStore {

  private final ReentrantLock writeLock = new ReentrantLock();

  /** By ordinal: position {@code ordinal - 1}. Its size is the published ordinal. */
  private final AppendLog<OperationWithContext> byOrdinal = new AppendLog<>();

  private final ConcurrentHashMap<StreamKey, Stream> streams = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DocumentEntry> documents = new ConcurrentHashMap<>();

  @Override
  public List<OperationWithContext> append(WriteBatch batch) {
    Objects.requireNonNull(batch, "batch");
    writeLock.lock();
    try {
      List<Planned> plans = new ArrayList<>(batch.appends().size());
      Map<String, String> batchTypes = new HashMap<>();
      for (StreamAppend append : batch.appends()) {
        plans.add(plan(append, batchTypes));
      }
      return write(plans);
    } finally {
      writeLock.unlock();
    }
  }

  /** Checks one append against its stream without writing anything. */
  private Planned plan(StreamAppend append, Map<String, String> batchTypes) {
    StreamKey key = append.stream();
    checkDocumentType(key.documentId(), append.documentType(), batchTypes);
    Stream stream = streams.get(key);
    long next = stream == null ? 0 : stream.log.size();
    List<Operation> operations = append.operations();
    if (append.expectedRevision() == next) {
      checkDuplicates(key, stream, operations);
      return new Planned(append, null);
    }
    List<OperationWithContext> replayed = replayed(stream, append);
    if (replayed != null) {
      return new Planned(append, replayed);
    }
    throw new RevisionMismatchException(key, append.expectedRevision(), next);
  }

  private void checkDocumentType(String documentId, String documentType, Map<String, String> batchTypes) {
    DocumentEntry known = documents.get(documentId);
    // A document new to the store takes the type of its first append in the batch.
    String recorded = known != null ? known.documentType : batchTypes.putIfAbsent(documentId, documentType);
    if (recorded != null && !recorded.equals(documentType)) {
      throw new IllegalArgumentException(
          "Document " + documentId + " has type " + recorded + ", the append says " + documentType);
    }
  }

  private static void checkDuplicates(StreamKey key, Stream stream, List<Operation> operations) {
    Map<InstanceKey, Long> inAppend = new HashMap<>();
    for (Operation operation : operations) {
      InstanceKey instance = new InstanceKey(operation.id(), operation.skip());
      boolean stored = stream != null && stream.instances.containsKey(instance);
      if (stored || inAppend.putIfAbsent(instance, operation.index()) != null) {
        throw new DuplicateOperationException(key, operation.id(), operation.index());
      }
    }
  }

  /** The stored operations if {@code append} is exactly what the stream holds at its positions. */
  private static List<OperationWithContext> replayed(Stream stream, StreamAppend append) {
    List<Operation> operations = append.operations();
    long first = append.expectedRevision();
    if (stream == null || first < 0 || first + operations.size() > stream.log.size()) {
      return null;
    }
    List<OperationWithContext> stored = new ArrayList<>(operations.size());
    for (Operation operation : operations) {
      OperationWithContext existing = stream.log.get((int) operation.index());
      Operation old = existing.operation();
      if (!old.id().equals(operation.id()) || old.skip() != operation.skip()) {
        return null;
      }
      stored.add(existing);
    }
    return stored;
  }

  private List<OperationWithContext> write(List<Planned> plans) {
    long ordinal = byOrdinal.size();
    List<OperationWithContext> result = new ArrayList<>();
    List<OperationWithContext> written = new ArrayList<>();
    for (Planned plan : plans) {
      if (plan.replayed != null) {
        result.addAll(plan.replayed);
        continue;
      }
      StreamAppend append = plan.append;
      StreamKey key = append.stream();
      List<OperationWithContext> added = new ArrayList<>(append.operations().size());
      for (Operation operation : append.operations()) {
        added.add(new OperationWithContext(
            operation, key.documentId(), append.documentType(), key.scope(), key.branch(), ++ordinal, null));
      }
      Stream stream = streams.computeIfAbsent(key, k -> newStream(k, append.documentType(), added.get(0).ordinal()));
      for (Operation operation : append.operations()) {
        stream.instances.put(new InstanceKey(operation.id(), operation.skip()), operation.index());
      }
      stream.log.addAll(added);
      result.addAll(added);
      written.addAll(added);
    }
    if (!written.isEmpty()) {
      byOrdinal.addAll(written); // publishes the whole batch
    }
    return Collections.unmodifiableList(result);
  }

  private Stream newStream(StreamKey key, String documentType, long firstOrdinal) {
    Stream stream = new Stream();
    documents.computeIfAbsent(key.documentId(), id -> new DocumentEntry(documentType, firstOrdinal)).streams.add(
        new StreamRef(key, stream));
    return stream;
  }

  @Override
  public Page<Operation> getSince(StreamKey stream, long afterIndex, OperationFilter filter, PageRequest page) {
    Objects.requireNonNull(stream, "stream");
    OperationFilter effectiveFilter = filter == null ? OperationFilter.NONE : filter;
    PageRequest effectivePage = page == null ? PageRequest.firstDefault() : page;
    long after = Math.max(afterIndex, parseCursor(effectivePage.cursor()));
    long published = byOrdinal.size();
    Stream found = streams.get(stream);
    if (found == null) {
      return Page.last(List.of());
    }
    int visible = found.visibleSize(published);
    int limit = effectivePage.limit();
    List<Operation> items = new ArrayList<>(Math.min(limit, 64));
    for (long position = Math.max(after + 1, 0); position < visible; position++) {
      Operation operation = found.log.get((int) position).operation();
      if (!matches(effectiveFilter, operation)) {
        continue;
      }
      if (items.size() == limit) {
        // One more match exists: the page ends at the last index it returns.
        return new Page<>(items, Optional.of(Long.toString(items.get(limit - 1).index())));
      }
      items.add(operation);
    }
    return Page.last(items);
  }

  private static long parseCursor(String cursor) {
    if (cursor == null) {
      return -1;
    }
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid cursor for getSince: \"" + cursor + "\"", e);
    }
  }

  private static boolean matches(OperationFilter filter, Operation operation) {
    if (filter.actionTypes() != null && !filter.actionTypes().contains(operation.action().type())) {
      return false;
    }
    Instant timestamp = operation.timestamp();
    if (filter.timestampFrom() != null && timestamp.isBefore(filter.timestampFrom())) {
      return false;
    }
    return filter.timestampTo() == null || !timestamp.isAfter(filter.timestampTo());
  }

  @Override
  public List<OperationWithContext> getSinceOrdinal(long afterOrdinal, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    long published = byOrdinal.size();
    long from = Math.max(afterOrdinal, 0);
    long to = Math.min(published, from + limit);
    if (from >= to) {
      return List.of();
    }
    List<OperationWithContext> result = new ArrayList<>((int) (to - from));
    for (long ordinal = from + 1; ordinal <= to; ordinal++) {
      result.add(byOrdinal.get((int) (ordinal - 1)));
    }
    return Collections.unmodifiableList(result);
  }

  @Override
  public Map<String, Long> getRevisions(String documentId, String branch) {
    DocumentEntry document = documents.get(documentId);
    if (document == null) {
      return Map.of();
    }
    long published = byOrdinal.size();
    Map<String, Long> revisions = new TreeMap<>();
    for (StreamRef ref : document.streams) {
      if (ref.key.branch().equals(branch)) {
        int visible = ref.stream.visibleSize(published);
        if (visible > 0) {
          revisions.put(ref.key.scope(), (long) visible);
        }
      }
    }
    return Collections.unmodifiableMap(revisions);
  }

  @Override
  public String documentType(String documentId) {
    DocumentEntry document = documents.get(documentId);
    return document == null || document.firstOrdinal > byOrdinal.size() ? null : document.documentType;
  }

  @Override
  public long lastOrdinal() {
    return byOrdinal.size();
  }

  @Override
  public String toString() {
    return "InMemoryOperationStore[streams=" + streams.size() + ", lastOrdinal=" + lastOrdinal() + "]";
  }

  /** One stream: its operations by index (position == index) and its (id, skip) pairs. */
  private static final class Stream {

    final AppendLog<OperationWithContext> log = new AppendLog<>();

    /** Read and written under the write lock only. */
    final Map<InstanceKey, Long> instances = new HashMap<>();

    /** How many operations a reader that saw ordinal {@code published} may see. */
    int visibleSize(long published) {
      int size = log.size();
      // Only the batch being written can be beyond the published ordinal.
      while (size > 0 && log.get(size - 1).ordinal() > published) {
        size--;
      }
      return size;
    }
  }

  private record InstanceKey(String operationId, int skip) {}

  private record StreamRef(StreamKey key, Stream stream) {}

  /** What the store knows of a document; its type never changes. */
  private static final class DocumentEntry {

    final String documentType;
    final long firstOrdinal;
    final List<StreamRef> streams = new CopyOnWriteArrayList<>();

    DocumentEntry(String documentType, long firstOrdinal) {
      this.documentType = documentType;
      this.firstOrdinal = firstOrdinal;
    }
  }

  /** One checked append: to write, or already stored ({@code replayed}). */
  private record Planned(StreamAppend append, List<OperationWithContext> replayed) {}
}
