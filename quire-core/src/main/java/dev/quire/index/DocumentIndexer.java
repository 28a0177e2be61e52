package dev.quire.index;

import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The relationship graph read model. Types filter with {@code types}; null or empty means every type.
 * Every query waits for {@link ReadOptions#token()} first, as {@link dev.quire.view.DocumentView} does.
 */
public interface DocumentIndexer extends ReadModel {

  String NAME = "document-indexer";

  /** Edges from or to {@code documentId}, oldest first, cursor-paged. */
  CompletableFuture<Page<Relationship>> relationships(
      String documentId, Direction direction, Set<String> types, PageRequest page, ReadOptions read);

  CompletableFuture<Boolean> hasRelationship(String sourceId, String targetId, Set<String> types, ReadOptions read);

  /** A shortest path along outgoing edges, {@code [source]} when source equals target. */
  CompletableFuture<Optional<List<String>>> findPath(
      String sourceId, String targetId, Set<String> types, ReadOptions read);

  /** Everything reachable along incoming edges. */
  CompletableFuture<Ancestors> ancestors(String documentId, Set<String> types, ReadOptions read);

  CompletableFuture<Set<String>> relationshipTypes(ReadOptions read);
}
