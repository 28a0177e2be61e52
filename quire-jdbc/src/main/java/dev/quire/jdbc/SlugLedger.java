package dev.quire.jdbc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slug claims and releases recorded during a replay that visits documents out of ordinal order,
 * resolved afterwards in ordinal order. Slugs are the document view's only link between documents
 * (the newest claimant takes a slug from its holder for good; deleting the holder frees it), so a
 * rebuild may reduce each document alone as long as these events are settled in the order they
 * happened. Settles onto empty tables: the replay it serves starts from nothing.
 *
 * <p>Not thread-safe: one replay owns it.
 */
final class SlugLedger {

  /** A slug on a branch. */
  record Slot(String branch, String slug) {}

  /** A document on a branch whose slug a newer claimant took. */
  record Loser(String documentId, String branch) {}

  /** Final slug holders, and the documents that lost their slug along the way. */
  record Settlement(Map<Slot, String> holders, Set<Loser> losers) {}

  private record Event(long ordinal, Slot slot, String documentId, boolean claim) {}

  private final List<Event> events = new ArrayList<>();

  /** {@code documentId} created with {@code slug} (CREATE_DOCUMENT at {@code ordinal}). */
  void claim(long ordinal, String branch, String slug, String documentId) {
    events.add(new Event(ordinal, new Slot(branch, slug), documentId, true));
  }

  /** {@code documentId}, created with {@code slug}, deleted at {@code ordinal}: frees it if it still holds it. */
  void release(long ordinal, String branch, String slug, String documentId) {
    events.add(new Event(ordinal, new Slot(branch, slug), documentId, false));
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  Settlement settle() {
    events.sort(Comparator.comparingLong(Event::ordinal));
    Map<Slot, String> holders = new HashMap<>();
    Set<Loser> losers = new LinkedHashSet<>();
    for (Event event : events) {
      String holder = holders.get(event.slot());
      if (event.claim()) {
        if (holder != null && !holder.equals(event.documentId())) {
          losers.add(new Loser(holder, event.slot().branch()));
        }
        holders.put(event.slot(), event.documentId());
      } else if (event.documentId().equals(holder)) {
        holders.remove(event.slot());
      }
    }
    return new Settlement(holders, losers);
  }
}
