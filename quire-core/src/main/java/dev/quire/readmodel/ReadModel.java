package dev.quire.readmodel;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.OperationWithContext;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Something kept consistent with the operation store: a document view, a relationship index, an
 * application's own view table.
 *
 * <p>The coordinator calls {@link #indexOperations} with batches in stream order (serial per
 * {@code documentId:scope:branch}, parallel across streams). An implementation commits its storage
 * first and only then updates {@link #tracker()}, so a reader holding a token never sees a
 * position that is not yet queryable. Indexing the same operation twice must be harmless.
 */
public interface ReadModel {

  /** Unique name, e.g. {@code document-view}. */
  String name();

  /** Indexes a batch; completes after the rows are committed and the tracker updated. */
  CompletionStage<Void> indexOperations(List<OperationWithContext> operations);

  /** The tracker of what this read model has committed. */
  ConsistencyTracker tracker();
}
