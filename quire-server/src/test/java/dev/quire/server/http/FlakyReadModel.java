package dev.quire.server.http;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A read model that refuses operations of documents whose id starts with "poison", until that document is healed. */
final class FlakyReadModel implements ReadModel {

  static final String NAME = "flaky";

  private final ConsistencyTracker tracker = new ConsistencyTracker(NAME);
  private final java.util.Set<String> healed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void heal(String documentId) {
    healed.add(documentId);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    if (operations.stream().anyMatch(op -> op.documentId().startsWith("poison") && !healed.contains(op.documentId()))) {
      return CompletableFuture.failedFuture(new IllegalStateException("poisoned batch"));
    }
    tracker.update(operations.stream().map(OperationWithContext::coordinate).toList());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }
}
