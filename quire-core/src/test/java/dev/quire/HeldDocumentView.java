package dev.quire;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Document;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.DocumentQuery;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Any document view with a hand brake: while {@link #hold()} is on, indexing waits for {@link
 * #release()}, so a test can observe reads that wait for a token. Queries are not held. Held
 * batches reach the delegate in the order they came, one after the other, as the coordinator gave
 * them.
 *
 * <p>Concurrency: {@code tail} is guarded by {@code this}.
 */
final class HeldDocumentView implements DocumentView {

  private final DocumentView delegate;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  HeldDocumentView(DocumentView delegate) {
    this.delegate = delegate;
  }

  void hold() {
    gate = new CompletableFuture<>();
  }

  void release() {
    gate.complete(null);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public ConsistencyTracker tracker() {
    return delegate.tracker();
  }

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    CompletableFuture<Void> opened = gate;
    synchronized (this) {
      // Chained, not just gated: on release, dependents of one future would run last-registered first.
      CompletableFuture<Void> indexed = tail.handle((ignored, error) -> null)
          .thenCompose(ignored -> opened)
          .thenCompose(ignored -> delegate.indexOperations(operations));
      tail = indexed;
      return indexed;
    }
  }

  @Override
  public CompletableFuture<Document> get(String id, ViewFilter filter, ReadOptions read) {
    return delegate.get(id, filter, read);
  }

  @Override
  public CompletableFuture<Document> getBySlug(String slug, ViewFilter filter, ReadOptions read) {
    return delegate.getBySlug(slug, filter, read);
  }

  @Override
  public CompletableFuture<Document> getByIdOrSlug(String idOrSlug, ViewFilter filter, ReadOptions read) {
    return delegate.getByIdOrSlug(idOrSlug, filter, read);
  }

  @Override
  public CompletableFuture<List<Document>> getMany(List<String> ids, ViewFilter filter, ReadOptions read) {
    return delegate.getMany(ids, filter, read);
  }

  @Override
  public CompletableFuture<Page<Document>> find(
      DocumentQuery query, ViewFilter filter, PageRequest page, ReadOptions read) {
    return delegate.find(query, filter, page, read);
  }

  @Override
  public CompletableFuture<List<Boolean>> exists(List<String> ids, ReadOptions read) {
    return delegate.exists(ids, read);
  }
}
