package dev.quire.jdbc;

import dev.quire.model.OperationWithContext;
import dev.quire.store.OperationStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The store's operations page by page, read one page ahead of the caller: while a replay applies
 * page n, page n + 1 is being read and decoded on another thread, so on a two-core machine reading
 * and applying overlap instead of taking turns.
 *
 * <p>Not thread-safe: one replay owns it. An abandoned instance leaves at most one read running,
 * which finishes on its own.
 */
final class PrefetchedPages {

  /** Reads the page after {@code last} (null: the first page); an empty page ends the replay. */
  @FunctionalInterface
  interface Reader {
    List<OperationWithContext> after(OperationWithContext last);
  }

  private final Reader reader;
  private CompletableFuture<List<OperationWithContext>> next;

  private PrefetchedPages(Reader reader) {
    this.reader = reader;
    this.next = read(null);
  }

  /** Operations after ordinal {@code after}, in ordinal order. */
  static PrefetchedPages byOrdinal(OperationStore store, long after, int pageSize) {
    return new PrefetchedPages(last -> store.getSinceOrdinal(last == null ? after : last.ordinal(), pageSize));
  }

  /** Operations after ordinal 0 up to {@code upTo} of the given action types (null: all), in ordinal order. */
  static PrefetchedPages byOrdinal(JdbcOperationStore store, long upTo, Set<String> actionTypes, int pageSize) {
    return new PrefetchedPages(last -> store.getSinceOrdinal(last == null ? 0 : last.ordinal(), upTo, actionTypes,
        pageSize));
  }

  /** Operations up to ordinal {@code upTo}, by document and then ordinal. */
  static PrefetchedPages byDocument(JdbcOperationStore store, long upTo, int pageSize) {
    return new PrefetchedPages(new DocumentOrderReader(store, upTo, pageSize));
  }

  /** The next page; empty once the store has nothing after the previous one. */
  List<OperationWithContext> next() {
    List<OperationWithContext> page = ReadModelEngine.join(next);
    next = page.isEmpty() ? CompletableFuture.completedFuture(List.of()) : read(page.get(page.size() - 1));
    return page;
  }

  private CompletableFuture<List<OperationWithContext>> read(OperationWithContext last) {
    CompletableFuture<List<OperationWithContext>> page = new CompletableFuture<>();
    Thread.ofVirtual().name("quire-jdbc-prefetch").start(() -> {
      try {
        page.complete(reader.after(last));
      } catch (Throwable t) {
        page.completeExceptionally(t);
      }
    });
    return page;
  }
}
