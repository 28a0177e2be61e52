package dev.quire.jdbc;

import java.util.List;
import java.util.Set;

/**
 * The store's operations of some action types up to an ordinal, page by page in ordinal order,
 * each query bounded to a window of ordinals: what a rebuild reads for a read model that needs few
 * of the operations (the indexer: relationships only).
 *
 * <p>Why windows: asked for "the next {@code limit} matching operations up to the end", PostgreSQL
 * with a generic plan (prepared statements) or missing statistics (a freshly loaded table) estimates
 * the range as small and reads all of it with a bitmap scan, then sorts, for every page: quadratic.
 * With 1,000,000 operations of which 100,000 relationships, each page took 100-630 ms and the
 * indexer's rebuild 8.3-8.8 s. A window caps what one query may read, whatever the plan; a window
 * with fewer matches than a page moves the reader on to the next window.
 *
 * <p>Not thread-safe, and stateful: pages must be asked for one after another, as
 * {@link PrefetchedPages} does.
 */
final class FilteredOrdinalReader implements PrefetchedPages.Reader<StoredOperation> {

  /** Ordinals one query may scan, in pages: large enough that a window rarely ends a page early. */
  static final int WINDOW_PAGES = 16;

  private final JdbcOperationStore store;
  private final long upTo;
  private final Set<String> actionTypes;
  private final int pageSize;
  private final long window;
  /** Every matching operation up to this ordinal was returned. */
  private long after;

  FilteredOrdinalReader(JdbcOperationStore store, long upToOrdinal, Set<String> actionTypes, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
    }
    this.store = store;
    this.upTo = upToOrdinal;
    this.actionTypes = Set.copyOf(actionTypes);
    this.pageSize = pageSize;
    this.window = (long) pageSize * WINDOW_PAGES;
    this.after = this.actionTypes.isEmpty() ? upToOrdinal : 0; // no type wanted: nothing to read
  }

  /** The next page; {@code last} is ignored (the reader keeps its own place). Empty at the end. */
  @Override
  public List<StoredOperation> after(StoredOperation last) {
    while (after < upTo) {
      long windowEnd = Math.min(upTo, after + window);
      List<StoredOperation> page = store.getSinceOrdinal(after, windowEnd, actionTypes, pageSize);
      // A full page may end before the window does; otherwise the window holds no more matches.
      after = page.size() == pageSize ? page.get(page.size() - 1).ordinal() : windowEnd;
      if (!page.isEmpty()) {
        return page;
      }
    }
    return List.of();
  }
}
