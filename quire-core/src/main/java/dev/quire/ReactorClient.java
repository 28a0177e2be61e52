package dev.quire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.job.JobFailedException;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.Document;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Read-after-write convenience over a {@link Reactor}: each write waits for its job to be
 * READ_READY, then reads the document back with the job's consistency token, so the result always
 * reflects the write. A job that ends FAILED or READ_FAILED fails the call with {@link
 * JobFailedException} carrying the job's error; a job that does not finish within the wait fails it
 * with {@link dev.quire.job.JobWaitTimeoutException}.
 *
 * <p>Every method has an async twin ({@code ...Async}) that returns a future and parks no thread.
 */
public final class ReactorClient {

  private final Reactor reactor;
  private final Duration jobTimeout;

  /** A client waiting at most {@code jobTimeout} for each job (the read then has its own timeout). */
  public ReactorClient(Reactor reactor, Duration jobTimeout) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.jobTimeout = Objects.requireNonNull(jobTimeout, "jobTimeout");
  }

  /** A client waiting at most the reactor's default read timeout for each job. */
  public ReactorClient(Reactor reactor) {
    this(reactor, reactor.defaultReadTimeout());
  }

  public Reactor reactor() {
    return reactor;
  }

  public CompletableFuture<Document> createAsync(CreateDocument request) {
    JobInfo job = reactor.create(request);
    return readAfter(job, job.documentId(), request.branch());
  }

  /** Creates a document and returns it as the view holds it after the creation. */
  public Document create(CreateDocument request) {
    return join(createAsync(request));
  }

  public CompletableFuture<Document> executeAsync(String documentId, String branch, List<Action> actions) {
    return readAfter(reactor.execute(documentId, branch, actions), documentId, branch);
  }

  /** Applies {@code actions} and returns the document with them applied. */
  public Document execute(String documentId, String branch, List<Action> actions) {
    return join(executeAsync(documentId, branch, actions));
  }

  /** Completes with the deleting job once it (and, with {@code cascade}, the whole cascade) is done. */
  public CompletableFuture<JobInfo> deleteAsync(String documentId, boolean cascade) {
    return awaitSuccess(reactor.delete(documentId, cascade));
  }

  public JobInfo delete(String documentId, boolean cascade) {
    return join(deleteAsync(documentId, cascade));
  }

  /** Adds the edge and returns the source document, read after the write. */
  public CompletableFuture<Document> addRelationshipAsync(
      String sourceId, String targetId, String type, JsonNode metadata) {
    return readAfter(reactor.addRelationship(sourceId, targetId, type, metadata), sourceId, Scopes.MAIN_BRANCH);
  }

  public Document addRelationship(String sourceId, String targetId, String type, JsonNode metadata) {
    return join(addRelationshipAsync(sourceId, targetId, type, metadata));
  }

  public CompletableFuture<Document> removeRelationshipAsync(String sourceId, String targetId, String type) {
    return readAfter(reactor.removeRelationship(sourceId, targetId, type), sourceId, Scopes.MAIN_BRANCH);
  }

  public Document removeRelationship(String sourceId, String targetId, String type) {
    return join(removeRelationshipAsync(sourceId, targetId, type));
  }

  public CompletableFuture<Document> updateRelationshipAsync(
      String sourceId, String targetId, String type, JsonNode metadata) {
    return readAfter(reactor.updateRelationship(sourceId, targetId, type, metadata), sourceId, Scopes.MAIN_BRANCH);
  }

  public Document updateRelationship(String sourceId, String targetId, String type, JsonNode metadata) {
    return join(updateRelationshipAsync(sourceId, targetId, type, metadata));
  }

  /** Waits for a job to end; fails with {@link JobFailedException} unless it is READ_READY. */
  public CompletableFuture<JobInfo> awaitSuccess(JobInfo job) {
    return reactor.awaitJob(job.id(), jobTimeout).thenApply(done -> {
      if (done.status() != JobStatus.READ_READY) {
        throw new JobFailedException(done);
      }
      return done;
    });
  }

  private CompletableFuture<Document> readAfter(JobInfo job, String documentId, String branch) {
    // By id, not id-or-slug: another document's slug equal to this id must not make it ambiguous.
    return awaitSuccess(job).thenCompose(done -> reactor.documentView().get(documentId, ViewFilter.branch(branch),
        reactor.options(ReadOptions.after(done.tokenOrEmpty()))));
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
  }
}
