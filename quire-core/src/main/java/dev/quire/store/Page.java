package dev.quire.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of results.
 *
 * @param nextCursor opaque cursor for the following page; empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {

  public Page {
    items = List.copyOf(items);
  }

  public static <T> Page<T> last(List<T> items) {
    return new Page<>(items, Optional.empty());
  }

  public boolean hasMore() {
    return nextCursor.isPresent();
  }
}
