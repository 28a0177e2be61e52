package dev.quire;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;

/** The reactor stress test in memory, full size: 8 threads, 1,000 documents, 100,000 actions. */
class ReactorStressTest extends ReactorStressContract {

  @Override
  protected ReactorConformance.Storage openStorage() {
    return new ReactorConformance.Storage(
        new InMemoryOperationStore(),
        new InMemoryDocumentView(DocumentModelRegistry.discovered(), new ConsistencyTracker(DocumentView.NAME)),
        new InMemoryDocumentIndexer(new ConsistencyTracker(DocumentIndexer.NAME)),
        null);
  }
}
