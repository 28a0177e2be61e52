package dev.quire.server.http;

import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.WaitOutcome;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pre-submit checks of writes: that the document exists and is live, and that the actions pass
 * (the reactor runs them through the job executor's checks and reducers against the document's
 * latest written state, writing nothing). A concurrent writer can still make the real job fail,
 * which the job reports.
 */
final class LiveDocuments {

  private final Reactor reactor;
  private final Duration catchUpTimeout;
  /** Documents whose CREATE job was accepted and may not be written yet: id → job id. */
  private final Map<String, String> pendingCreates = new ConcurrentHashMap<>();

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
    return pendingCreates.containsKey(documentId) || store().documentType(documentId) != null;
  }

  /**
   * The type recorded for {@code documentId}, after its accepted CREATE (if any) has finished; fails
   * with {@link DocumentNotFoundException} when the store does not know the document.
   */
  CompletableFuture<String> known(String documentId) {
    String type = store().documentType(documentId);
    if (type != null) {
      return CompletableFuture.completedFuture(type);
    }
    String createJob = pendingCreates.get(documentId);
    if (createJob == null) {
      return CompletableFuture.failedFuture(new DocumentNotFoundException(documentId));
    }
    return reactor.awaitJob(createJob, catchUpTimeout).handle((done, error) -> {
      String written = store().documentType(documentId);
      if (written == null) {
        throw new DocumentNotFoundException(documentId);
      }
      return written;
    });
  }

  /**
   * Completes once the document (after its accepted CREATE, if any) is known to exist and be live
   * on {@code branch} and {@code actions} pass; fails with the refusal otherwise ({@link
   * DocumentNotFoundException}, a deleted document, an invalid action).
   */
  CompletableFuture<Void> check(String documentId, String branch, List<Action> actions) {
    return known(documentId).thenRun(() -> reactor.check(documentId, branch, actions));
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

  private static boolean isWaitFailure(Throwable cause) {
    try {
      WaitOutcome outcome = WaitOutcome.of(cause);
      return outcome == WaitOutcome.TIMED_OUT || outcome == WaitOutcome.READ_MODEL_FAILED;
    } catch (IllegalArgumentException notAWaitFailure) {
      return false;
    }
  }

  private OperationStore store() {
    return reactor.operationStore();
  }
}
