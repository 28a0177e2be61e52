package dev.quire.jdbc;

import dev.quire.model.OperationWithContext;
import dev.quire.store.OperationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The store's operations page by page, as a three-stage pipeline: while a replay applies page n,
 * page n + 1 is being decoded and page n + 2 read, each on a virtual thread of its own, so on a
 * two-core machine reading (the database's steps, the driver's fetches), decoding (the action's
 * JSON) and applying overlap. Decoding on the reading thread instead measured the same within the
 * noise (three pairs of 1,000,000-operation rebuilds); this way it never lands on the applying one.
 *
 * <p>Not thread-safe: one replay owns it. An abandoned instance leaves at most one read and one
 * decode running, which finish on their own.
 *
 * @param <T> a row as the reader returns it
 */
final class PrefetchedPages<T> {

  /** Reads the page after {@code last} (null: the first page); an empty page ends the replay. */
  @FunctionalInterface
  interface Reader<T> {
    List<T> after(T last);
  }

  private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("quire-jdbc-prefetch").start(task);

  private final Reader<T> reader;
  private final Function<List<T>, List<OperationWithContext>> decode;
  /** The page after the one being decoded: being read, or read. */
  private CompletableFuture<List<T>> read;
  /** The page next() returns next: being decoded, or decoded. */
  private CompletableFuture<List<OperationWithContext>> decoded;

  PrefetchedPages(Reader<T> reader, Function<List<T>, List<OperationWithContext>> decode) {
    this.reader = reader;
    this.decode = decode;
    CompletableFuture<List<T>> first = read(CompletableFuture.completedFuture(null));
    this.decoded = first.thenApplyAsync(decode, VIRTUAL);
    this.read = readAfter(first);
  }

  /** Operations after ordinal {@code after}, in ordinal order (from any store: they come decoded). */
  static PrefetchedPages<OperationWithContext> byOrdinal(OperationStore store, long after, int pageSize) {
    return new PrefetchedPages<>(last -> store.getSinceOrdinal(last == null ? after : last.ordinal(), pageSize),
        page -> page);
  }

  /** Operations after ordinal 0 up to {@code upTo} of the given action types (null: all), in ordinal order. */
  static PrefetchedPages<StoredOperation> byOrdinal(JdbcOperationStore store, long upTo, Set<String> actionTypes,
      int pageSize) {
    Reader<StoredOperation> reader = actionTypes == null
        ? last -> store.getSinceOrdinal(last == null ? 0 : last.ordinal(), upTo, null, pageSize)
        : new FilteredOrdinalReader(store, upTo, actionTypes, pageSize);
    return new PrefetchedPages<>(reader, PrefetchedPages::decodeAll);
  }

  /** Operations up to ordinal {@code upTo}, by document and then ordinal. */
  static PrefetchedPages<StoredOperation> byDocument(JdbcOperationStore store, long upTo, int pageSize) {
    return new PrefetchedPages<>(new DocumentOrderReader(store, upTo, pageSize), PrefetchedPages::decodeAll);
  }

  /** The next page; empty once the store has nothing after the previous one. */
  List<OperationWithContext> next() {
    List<OperationWithContext> page = ReadModelEngine.join(decoded);
    CompletableFuture<List<T>> following = read;
    decoded = following.thenApplyAsync(decode, VIRTUAL);
    read = readAfter(following);
    return page;
  }

  /** The page after {@code page} once it is read (nothing more after an empty one). */
  private CompletableFuture<List<T>> readAfter(CompletableFuture<List<T>> page) {
    return page.thenCompose(rows -> rows.isEmpty()
        ? CompletableFuture.completedFuture(List.of())
        : read(CompletableFuture.completedFuture(rows.get(rows.size() - 1))));
  }

  private CompletableFuture<List<T>> read(CompletableFuture<T> last) {
    return last.thenApplyAsync(reader::after, VIRTUAL);
  }

  static List<OperationWithContext> decodeAll(List<StoredOperation> rows) {
    List<OperationWithContext> operations = new ArrayList<>(rows.size());
    for (StoredOperation row : rows) {
      operations.add(row.decode());
    }
    return operations;
  }
}
