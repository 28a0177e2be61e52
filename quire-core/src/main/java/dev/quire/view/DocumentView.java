package dev.quire.view;

import dev.quire.model.Document;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The read model behind {@code get} and {@code find}: one snapshot per document, scope and branch.
 *
 * <p>Every query first waits for {@link ReadOptions#token()} on this view's tracker (bounded by the
 * timeout) and fails with {@code ConsistencyTimeoutException} or {@code ReadModelFailedException}
 * rather than hang. Deleted documents are gone from every query and their slug is free.
 */
public interface DocumentView extends ReadModel {

  String NAME = "document-view";

  /** @throws dev.quire.model.DocumentNotFoundException (in the future) when no live document has the id */
  CompletableFuture<Document> get(String id, ViewFilter filter, ReadOptions read);

  CompletableFuture<Document> getBySlug(String slug, ViewFilter filter, ReadOptions read);

  /**
   * Resolves {@code idOrSlug} as an id and as a slug; if they name two different documents the
   * future fails with {@link AmbiguousIdentifierException}.
   */
  CompletableFuture<Document> getByIdOrSlug(String idOrSlug, ViewFilter filter, ReadOptions read);

  /** Live documents among {@code ids}, in input order; unknown ids are skipped. */
  CompletableFuture<List<Document>> getMany(List<String> ids, ViewFilter filter, ReadOptions read);

  /** Stable cursor paging: every page reachable, no document twice while nothing changes. */
  CompletableFuture<Page<Document>> find(DocumentQuery query, ViewFilter filter, PageRequest page, ReadOptions read);

  /** For each id, whether a live document exists on any branch. */
  CompletableFuture<List<Boolean>> exists(List<String> ids, ReadOptions read);
}
