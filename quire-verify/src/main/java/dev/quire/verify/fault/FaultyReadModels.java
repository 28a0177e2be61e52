package dev.quire.verify.fault;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.Ancestors;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.model.Document;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.DocumentQuery;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Read models with a {@link FaultSwitch} in front of {@code indexOperations}: a failing switch fails
 * the batch (the coordinator retries, then parks the stream), a stalled one delays the batch until
 * the stall ends. Queries pass straight through, so a stalled model serves stale data and token
 * reads wait. The delegate's own ordering (commit, then tracker) is untouched.
 */
public final class FaultyReadModels {

  private FaultyReadModels() {}

  static CompletionStage<Void> index(FaultSwitch faults, ReadModel delegate, List<OperationWithContext> operations) {
    try {
      faults.check("indexOperations of " + operations.size() + " operations");
    } catch (InjectedFaultException e) {
      return CompletableFuture.failedFuture(e);
    }
    long stall = faults.stallRemaining().toNanos();
    if (stall <= 0) {
      return delegate.indexOperations(operations);
    }
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(stall, TimeUnit.NANOSECONDS))
        .thenCompose(ignored -> index(faults, delegate, operations));
  }

  /** Any read model behind a fault switch. */
  public static ReadModel readModel(ReadModel delegate, FaultSwitch faults) {
    return new Plain(delegate, faults);
  }

  /** A document view behind a fault switch. */
  public static DocumentView view(DocumentView delegate, FaultSwitch faults) {
    return new View(delegate, faults);
  }

  /** A relationship index behind a fault switch. */
  public static DocumentIndexer indexer(DocumentIndexer delegate, FaultSwitch faults) {
    return new Indexer(delegate, faults);
  }

  private record Plain(ReadModel delegate, FaultSwitch faults) implements ReadModel {
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
      return index(faults, delegate, operations);
    }
  }

  private record View(DocumentView delegate, FaultSwitch faults) implements DocumentView {
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
      return index(faults, delegate, operations);
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

  private record Indexer(DocumentIndexer delegate, FaultSwitch faults) implements DocumentIndexer {
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
      return index(faults, delegate, operations);
    }

    @Override
    public CompletableFuture<Page<Relationship>> relationships(
        String documentId, Direction direction, Set<String> types, PageRequest page, ReadOptions read) {
      return delegate.relationships(documentId, direction, types, page, read);
    }

    @Override
    public CompletableFuture<Boolean> hasRelationship(
        String sourceId, String targetId, Set<String> types, ReadOptions read) {
      return delegate.hasRelationship(sourceId, targetId, types, read);
    }

    @Override
    public CompletableFuture<Optional<List<String>>> findPath(
        String sourceId, String targetId, Set<String> types, ReadOptions read) {
      return delegate.findPath(sourceId, targetId, types, read);
    }

    @Override
    public CompletableFuture<Ancestors> ancestors(String documentId, Set<String> types, ReadOptions read) {
      return delegate.ancestors(documentId, types, read);
    }

    @Override
    public CompletableFuture<Set<String>> relationshipTypes(ReadOptions read) {
      return delegate.relationshipTypes(read);
    }
  }
}
