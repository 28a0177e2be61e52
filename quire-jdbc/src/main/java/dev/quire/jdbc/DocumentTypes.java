package dev.quire.jdbc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The document types the store has recorded, by document id. A document's type never changes once
 * stored (an append of another type is refused, and operations are never deleted), so an entry
 * stays true for good, also when other processes write the same database; only types actually
 * read from or committed to the database are remembered, never an absence. Every write checks its
 * document's type and the server checks it before submitting, so without this each write cost one
 * or two extra queries.
 *
 * <p>Bounded: past {@value #MAX_ENTRIES} documents it starts over (entries only save queries).
 * Concurrency: thread-safe.
 */
final class DocumentTypes {

  static final int MAX_ENTRIES = 100_000;

  private final ConcurrentHashMap<String, String> byDocument = new ConcurrentHashMap<>();

  /** The type recorded for {@code documentId}, or null when not remembered (the store may still have it). */
  String get(String documentId) {
    return byDocument.get(documentId);
  }

  /** Remembers a type read from or committed to the database. */
  void remember(String documentId, String type) {
    if (byDocument.size() >= MAX_ENTRIES && !byDocument.containsKey(documentId)) {
      byDocument.clear();
    }
    byDocument.put(documentId, type);
  }
}
