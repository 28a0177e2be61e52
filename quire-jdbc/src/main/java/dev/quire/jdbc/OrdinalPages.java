package dev.quire.jdbc;

import dev.quire.model.OperationWithContext;
import dev.quire.store.OperationStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The store's operations after an ordinal, page by page, read one page ahead of the caller: while a
 * replay applies page n, page n + 1 is being read and decoded on another thread, so on a two-core
 * machine reading and applying overlap instead of taking turns.
 *
 * <p>Not thread-safe: one replay owns it. An abandoned instance leaves at most one read running,
 * which finishes on its own.
 */
final class OrdinalPages {

  private final OperationStore store;
  private final int pageSize;
  private CompletableFuture<List<OperationWithContext>> next;

  OrdinalPages(OperationStore store, long after, int pageSize) {
    this.store = store;
    this.pageSize = pageSize;
    this.next = read(after);
  }

  /** The next page; empty once the store has nothing after the previous one. */
  List<OperationWithContext> next() {
    List<OperationWithContext> page = ReadModelEngine.join(next);
    next = page.isEmpty() ? CompletableFuture.completedFuture(List.of()) : read(page.get(page.size() - 1).ordinal());
    return page;
  }

  private CompletableFuture<List<OperationWithContext>> read(long after) {
    CompletableFuture<List<OperationWithContext>> page = new CompletableFuture<>();
    Thread.ofVirtual().name("quire-jdbc-prefetch").start(() -> {
      try {
        page.complete(store.getSinceOrdinal(after, pageSize));
      } catch (Throwable t) {
        page.completeExceptionally(t);
      }
    });
    return page;
  }
}
