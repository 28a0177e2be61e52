package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.WaitOutcome;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.Document;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-submit checks of writes against the current document: that it exists and is live, and that
 * the reducer accepts the actions (a dry run on the document view's state). The view is first made
 * to catch up with what the operation store holds for the document, so the check sees every
 * acknowledged write; a concurrent writer can still make the real job fail, which the job reports.
 *
 * <p>A view that does not catch up within the wait, or is parked, does not block writes: the check
 * is skipped and the job decides.
 */
final class LiveDocuments {

  private static final Logger log = LoggerFactory.getLogger(LiveDocuments.class);
  /** Cached document types; past this many the cache starts over (it only saves queries). */
  private static final int MAX_KNOWN_TYPES = 100_000;

  private final Reactor reactor;
  private final Duration catchUpTimeout;
  /** Documents whose CREATE job was accepted and may not be written yet: id → job id. */
  private final Map<String, String> pendingCreates = new ConcurrentHashMap<>();
  /**
   * Types the store reported, by document id. A document's type never changes once the store has
   * it (the store refuses an append of another type, and a document is never removed from it), so a
   * type once seen answers every later check without a query: each write used to cost one or two.
   */
  private final Map<String, String> knownTypes = new ConcurrentHashMap<>();

  LiveDocuments(Reactor reactor, Duration catchUpTimeout) {
    this.reactor = reactor;
    this.catchUpTimeout = catchUpTimeout;
  }

  /**
   * Remembers an accepted CREATE, so a write to the document sent before the create is written
   * waits for it instead of being refused with 404 (the job queue would have run them in order).
   */
  void creating(JobInfo job) {
    pendingCreates.put(job.documentId(), job.id());
    reactor.awaitJob(job.id(), Duration.ofHours(1))
        .whenComplete((done, error) -> pendingCreates.remove(job.documentId(), job.id()));
  }

  /** Whether the store knows the document or a CREATE of it was accepted (a new create would fail). */
  boolean existsOrIsBeingCreated(String documentId) {
    return pendingCreates.containsKey(documentId) || storedType(documentId) != null;
  }

  /**
   * The type recorded for {@code documentId}, after its accepted CREATE (if any) has finished; fails
   * with {@link DocumentNotFoundException} when the store does not know the document.
   */
  CompletableFuture<String> known(String documentId) {
    String type = storedType(documentId);
    if (type != null) {
      return CompletableFuture.completedFuture(type);
    }
    String createJob = pendingCreates.get(documentId);
    if (createJob == null) {
      return CompletableFuture.failedFuture(new DocumentNotFoundException(documentId));
    }
    return reactor.awaitJob(createJob, catchUpTimeout).handle((done, error) -> {
      String written = storedType(documentId);
      if (written == null) {
        throw new DocumentNotFoundException(documentId);
      }
      return written;
    });
  }

  /**
   * The document as the view holds it once caught up with the store; fails with {@link
   * DocumentNotFoundException} when it is unknown or deleted, and completes empty when the view
   * could not catch up in time.
   */
  CompletableFuture<Optional<Document>> requireLive(String documentId, String branch) {
    return known(documentId).thenCompose(type -> live(documentId, branch));
  }

  private CompletableFuture<Optional<Document>> live(String documentId, String branch) {
    Map<String, Long> revisions = store().getRevisions(documentId, branch);
    if (revisions.isEmpty()) {
      throw new DocumentNotFoundException(documentId);
    }
    List<ConsistencyCoordinate> coordinates = new ArrayList<>();
    revisions.forEach((scope, next) -> {
      if (next > 0) {
        coordinates.add(new ConsistencyCoordinate(documentId, scope, branch, next - 1));
      }
    });
    ReadOptions read = ReadOptions.after(ConsistencyToken.of(Instant.now(), coordinates), catchUpTimeout);
    return reactor.documentView()
        .get(documentId, new ViewFilter(branch, null), read)
        .handle((document, error) -> {
          if (error == null) {
            return Optional.of(document);
          }
          Throwable cause = ProblemMapper.unwrap(error);
          if (cause instanceof DocumentNotFoundException notFound) {
            throw notFound;
          }
          if (isWaitFailure(cause)) {
            log.debug("pre-submit check skipped documentId={} reason=\"{}\"", documentId, cause.getMessage());
            return Optional.empty();
          }
          throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        });
  }

  /**
   * Whether the edge exists, once the indexer has caught up with the source's {@code document}
   * scope (where relationship operations live); false when it could not catch up in time.
   */
  CompletableFuture<Boolean> hasRelationship(String sourceId, String targetId, String type) {
    Long next = store().getRevisions(sourceId, Scopes.MAIN_BRANCH).get(Scopes.DOCUMENT);
    List<ConsistencyCoordinate> coordinates = next == null || next == 0 ? List.of()
        : List.of(new ConsistencyCoordinate(sourceId, Scopes.DOCUMENT, Scopes.MAIN_BRANCH, next - 1));
    ReadOptions read = ReadOptions.after(ConsistencyToken.of(Instant.now(), coordinates), catchUpTimeout);
    return reactor.documentIndexer().hasRelationship(sourceId, targetId, Set.of(type), read)
        .handle((exists, error) -> {
          if (error == null) {
            return exists;
          }
          Throwable cause = ProblemMapper.unwrap(error);
          if (isWaitFailure(cause)) {
            return false;
          }
          throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        });
  }

  /** Runs {@code actions} through {@code model}'s reducer on {@code document}'s state. */
  static void dryRun(DocumentModel model, Document document, List<Action> actions) {
    Map<String, JsonNode> states = new HashMap<>(document.state());
    for (Action action : actions) {
      JsonNode state = states.containsKey(action.scope()) ? states.get(action.scope()) : model.initialState(action.scope());
      try {
        states.put(action.scope(), model.reduce(state, action));
      } catch (InvalidActionException e) {
        throw e;
      } catch (RuntimeException e) {
        // A reducer that throws anything else still refuses the action; report it the same way.
        throw new InvalidActionException(action.type(), action.type() + ": " + e.getMessage(), e);
      }
    }
  }

  private static boolean isWaitFailure(Throwable cause) {
    try {
      WaitOutcome outcome = WaitOutcome.of(cause);
      return outcome == WaitOutcome.TIMED_OUT || outcome == WaitOutcome.READ_MODEL_FAILED;
    } catch (IllegalArgumentException notAWaitFailure) {
      return false;
    }
  }

  /** The type the store records for {@code documentId}; null when it has none (not cached). */
  private String storedType(String documentId) {
    String type = knownTypes.get(documentId);
    if (type != null) {
      return type;
    }
    type = store().documentType(documentId);
    if (type != null) {
      if (knownTypes.size() >= MAX_KNOWN_TYPES) {
        knownTypes.clear();
      }
      knownTypes.put(documentId, type);
    }
    return type;
  }

  private OperationStore store() {
    return reactor.operationStore();
  }
}
