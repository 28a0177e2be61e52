package dev.quire.store;

class InMemoryOperationStoreTest extends OperationStoreConformance {

  @Override
  protected OperationStore createStore() {
    return new InMemoryOperationStore();
  }
}
