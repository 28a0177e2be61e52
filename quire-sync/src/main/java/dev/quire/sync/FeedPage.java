package dev.quire.sync;

import java.util.List;

/**
 * A page of a replica's operations after an ordinal.
 *
 * @param last the highest ordinal this page covers (filtered-out and echo-suppressed operations
 *     included): the reader's next {@code after}
 * @param head the replica's highest ordinal when the page was built
 */
public record FeedPage(String nodeId, List<WireOperation> items, long last, long head) {

  public FeedPage {
    items = List.copyOf(items);
  }
}
