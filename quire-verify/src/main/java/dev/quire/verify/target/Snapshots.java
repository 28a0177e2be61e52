package dev.quire.verify.target;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.model.Document;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.verify.check.DocState;
import dev.quire.verify.history.ReadResult;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Conversions from Quire's types to what the history and the checker hold, and fresh rebuilds. */
public final class Snapshots {

  public static final String LINK = "link";
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);

  private Snapshots() {}

  public static ReadResult readResult(Document document) {
    JsonNode global = document.state(Scopes.GLOBAL);
    return ReadResult.document(DocState.items(global).stream().map(Elements::canonical).toList(),
        DocState.counters(global));
  }

  public static DocState docState(Document document) {
    return new DocState(true, document.state(Scopes.GLOBAL), document.header().revision());
  }

  public static Set<String> targets(Collection<Relationship> edges) {
    Set<String> targets = new LinkedHashSet<>();
    edges.forEach(edge -> targets.add(edge.targetId()));
    return targets;
  }

  /** Every document of {@code ids} as {@code view} holds it now (no token). */
  public static Map<String, DocState> documents(DocumentView view, Collection<String> ids) {
    Map<String, DocState> states = new HashMap<>();
    for (String id : ids) {
      try {
        Document document = view.get(id, ViewFilter.MAIN, new ReadOptions(null, QUERY_TIMEOUT, null))
            .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        states.put(id, docState(document));
      } catch (ExecutionException e) {
        if (!(unwrap(e) instanceof DocumentNotFoundException)) {
          throw new IllegalStateException("Reading " + id + " from " + view.name() + " failed: " + unwrap(e), unwrap(e));
        }
        states.put(id, DocState.absent());
      } catch (Exception e) {
        throw new IllegalStateException("Reading " + id + " from " + view.name() + " failed: " + e, e);
      }
    }
    return states;
  }

  /** Every document's outgoing {@code link} targets as {@code indexer} holds them now; documents without any are left out. */
  public static Map<String, Set<String>> edges(DocumentIndexer indexer, Collection<String> ids) {
    Map<String, Set<String>> edges = new HashMap<>();
    for (String id : ids) {
      List<Relationship> all = new ArrayList<>();
      PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
      while (true) {
        Page<Relationship> batch = join(indexer.relationships(id, Direction.OUTGOING, Set.of(LINK), page,
            new ReadOptions(null, QUERY_TIMEOUT, null)));
        all.addAll(batch.items());
        if (batch.nextCursor().isEmpty()) {
          break;
        }
        page = new PageRequest(batch.nextCursor().get(), PageRequest.MAX_LIMIT);
      }
      if (!all.isEmpty()) {
        edges.put(id, targets(all));
      }
    }
    return edges;
  }

  /** A fresh in-memory view and index, fed {@code operations} (store order, no resulting states). */
  public record Rebuild(InMemoryDocumentView view, InMemoryDocumentIndexer indexer) {

    public static Rebuild of(DocumentModelRegistry models, List<OperationWithContext> operations) {
      InMemoryDocumentView view = new InMemoryDocumentView(models, new ConsistencyTracker("rebuilt-view"), QUERY_TIMEOUT);
      InMemoryDocumentIndexer indexer = new InMemoryDocumentIndexer(new ConsistencyTracker("rebuilt-index"), QUERY_TIMEOUT);
      for (int from = 0; from < operations.size(); from += 500) {
        List<OperationWithContext> batch = operations.subList(from, Math.min(operations.size(), from + 500));
        join(view.indexOperations(batch).toCompletableFuture());
        join(indexer.indexOperations(batch).toCompletableFuture());
      }
      return new Rebuild(view, indexer);
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof ExecutionException || current instanceof CompletionException) && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (Exception e) {
      Throwable cause = unwrap(e);
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
  }
}
