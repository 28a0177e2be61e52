package dev.quire.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Document;
import dev.quire.model.DocumentHeader;
import dev.quire.model.Scopes;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything {@link InMemoryDocumentView} knows about one document on one branch. Immutable: a
 * change builds a new entry, so readers never see one half-written.
 *
 * @param header null until CREATE_DOCUMENT is indexed (an operation of another scope may come first)
 * @param scopes snapshot per scope, the {@code document} scope included
 */
record ViewEntry(
    String id, String branch, String documentType, Header header, boolean deleted, Map<String, Snapshot> scopes) {

  /** Fields set by CREATE_DOCUMENT. {@code slug} becomes null when a newer document claims it. */
  record Header(String slug, String name, Instant createdAt) {}

  /**
   * One scope's state after operation {@code lastOperationIndex}; -1 for the initial state set up
   * by CREATE_DOCUMENT or UPGRADE_DOCUMENT before the scope's first operation.
   */
  record Snapshot(JsonNode content, long lastOperationIndex, String lastOperationHash, Instant lastModifiedAt) {}

  ViewEntry {
    scopes = Map.copyOf(scopes);
  }

  static ViewEntry empty(String id, String branch, String documentType) {
    return new ViewEntry(id, branch, documentType, null, false, Map.of());
  }

  boolean live() {
    return header != null && !deleted;
  }

  String slug() {
    return header == null ? null : header.slug();
  }

  ViewEntry withScope(String scope, Snapshot snapshot) {
    Map<String, Snapshot> next = new HashMap<>(scopes);
    next.put(scope, snapshot);
    return new ViewEntry(id, branch, documentType, header, deleted, next);
  }

  ViewEntry withHeader(String type, Header newHeader) {
    return new ViewEntry(id, branch, type, newHeader, deleted, scopes);
  }

  ViewEntry withSlug(String slug) {
    return new ViewEntry(id, branch, documentType, new Header(slug, header.name(), header.createdAt()), deleted, scopes);
  }

  ViewEntry asDeleted() {
    return new ViewEntry(id, branch, documentType, header, true, scopes);
  }

  /**
   * The document as queries return it. The header's revision and last-modified time cover every
   * scope, whatever {@code scopeFilter} selects; states are copies, so callers cannot change the view.
   */
  Document toDocument(Set<String> scopeFilter) {
    Map<String, Long> revision = new TreeMap<>();
    Map<String, JsonNode> state = new LinkedHashMap<>();
    Instant lastModified = header.createdAt();
    for (Map.Entry<String, Snapshot> entry : new TreeMap<>(scopes).entrySet()) {
      Snapshot snapshot = entry.getValue();
      revision.put(entry.getKey(), snapshot.lastOperationIndex() + 1);
      if (snapshot.lastModifiedAt() != null && snapshot.lastModifiedAt().isAfter(lastModified)) {
        lastModified = snapshot.lastModifiedAt();
      }
      boolean selected =
          scopeFilter.isEmpty() || scopeFilter.contains(entry.getKey()) || Scopes.DOCUMENT.equals(entry.getKey());
      if (selected && snapshot.content() != null) {
        state.put(entry.getKey(), snapshot.content().deepCopy());
      }
    }
    DocumentHeader documentHeader = new DocumentHeader(
        id, documentType, header.slug(), header.name(), branch, header.createdAt(), lastModified, revision);
    return new Document(documentHeader, state);
  }
}
