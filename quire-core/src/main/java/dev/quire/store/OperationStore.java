package dev.quire.store;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The source of truth: append-only operation streams with optimistic concurrency, plus a store-wide
 * ordinal that read models catch up from.
 *
 * <p>Implementations are thread-safe. Ordinals are unique and increasing in assignment order; a
 * reader of {@link #getSinceOrdinal} never misses an operation that becomes visible later with a
 * lower ordinal (see each implementation's note on visibility).
 */
public interface OperationStore extends AutoCloseable {

  /**
   * Appends every stream of {@code batch} atomically.
   *
   * <p>Replaying the exact same operations (same ids, indexes and skips) at the same positions is
   * idempotent: it returns the stored operations and writes nothing.
   *
   * @return the stored operations in batch order, each with its ordinal; {@code resultingState} null
   * @throws RevisionMismatchException when a stream is not at its expected revision
   * @throws DuplicateOperationException when an operation id is already stored elsewhere in its stream
   */
  List<OperationWithContext> append(WriteBatch batch);

  /** Appends to one stream; see {@link #append(WriteBatch)}. */
  default List<OperationWithContext> append(
      String jobId,
      String documentId,
      String documentType,
      String scope,
      String branch,
      long expectedRevision,
      List<Operation> operations) {
    StreamAppend append =
        new StreamAppend(StreamKey.of(documentId, scope, branch), documentType, expectedRevision, operations);
    return append(new WriteBatch(jobId, List.of(append)));
  }

  /** Operations of one stream with index greater than {@code afterIndex}, by index ascending. */
  Page<Operation> getSince(StreamKey stream, long afterIndex, OperationFilter filter, PageRequest page);

  /**
   * Every operation of one stream with index greater than {@code afterIndex}, by index ascending,
   * read page by page with {@link #getSince} (raw history: a merge's skipped operations included).
   */
  default List<Operation> readStream(StreamKey stream, long afterIndex) {
    List<Operation> all = new ArrayList<>();
    PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
    while (true) {
      Page<Operation> page = getSince(stream, afterIndex, OperationFilter.NONE, request);
      all.addAll(page.items());
      if (page.nextCursor().isEmpty()) {
        return all;
      }
      request = new PageRequest(page.nextCursor().get(), PageRequest.MAX_LIMIT);
    }
  }

  /**
   * Operations of every stream with ordinal greater than {@code afterOrdinal}, by ordinal ascending,
   * at most {@code limit}. {@code resultingState} is null.
   */
  List<OperationWithContext> getSinceOrdinal(long afterOrdinal, int limit);

  /** Per scope of one document on a branch, the index the next operation takes. Empty if unknown. */
  Map<String, Long> getRevisions(String documentId, String branch);

  /** The document type recorded for a document, or null when the store has no operation for it. */
  String documentType(String documentId);

  /** The highest ordinal assigned so far (0 when empty). */
  long lastOrdinal();

  @Override
  default void close() {}
}
