package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.server.ServerConfig;
import dev.quire.view.ViewFilter;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write endpoints. Each validates the whole request (body, parameters, the document's
 * existence, a dry run of the reducer) before it submits one job; then it answers 202 with the job,
 * or with {@code wait=true} 200 with the job and the document once the job is READ_READY.
 */
final class WriteHandlers {

  private static final Logger log = LoggerFactory.getLogger(WriteHandlers.class);

  private final Reactor reactor;
  private final ServerConfig config;
  private final WriteRequests requests;
  private final LiveDocuments documents;
  private final Consumer<JobInfo> onSubmit;

  WriteHandlers(Reactor reactor, ServerConfig config, WriteRequests requests, Consumer<JobInfo> onSubmit) {
    this.reactor = reactor;
    this.config = config;
    this.requests = requests;
    this.documents = new LiveDocuments(reactor, config.consistency().defaultWaitTimeout());
    this.onSubmit = onSubmit;
  }

  /** POST /v1/documents. */
  void create(Context ctx) {
    WaitRequest wait = WaitRequest.of(ctx, config);
    CreateDocument request = requests.create(Bodies.readObject(ctx, config.http().maxBodyBytes()));
    if (request.id() != null && documents.existsOrIsBeingCreated(request.id())) {
      throw new ApiProblem(409, "document-exists", "Document already exists",
          "A document with id " + request.id() + " already exists")
          .with("documentId", request.id());
    }
    ctx.future(() -> {
      JobInfo job = reactor.create(request);
      documents.creating(job);
      return answer(ctx, wait, job, request.branch(), true);
    });
  }

  /** POST /v1/documents/{id}/actions. */
  void mutate(Context ctx) {
    WaitRequest wait = WaitRequest.of(ctx, config);
    String id = ctx.pathParam("id");
    JsonNode body = Bodies.readObject(ctx, config.http().maxBodyBytes());
    ctx.future(() -> documents.known(id).thenCompose(type -> {
      DocumentModel model = requests.model(type);
      WriteRequests.Mutation mutation = requests.mutation(body, model);
      // known() has waited for an accepted CREATE already; check the actions against the head.
      reactor.check(id, mutation.branch(), mutation.actions());
      return answer(ctx, wait, reactor.execute(id, mutation.branch(), mutation.actions()), mutation.branch(), true);
    }));
  }

  /** DELETE /v1/documents/{id}?cascade=. */
  void delete(Context ctx) {
    WaitRequest wait = WaitRequest.of(ctx, config);
    String id = ctx.pathParam("id");
    boolean cascade = Params.flag(ctx, "cascade");
    ctx.future(() -> documents.check(id, Scopes.MAIN_BRANCH, List.of())
        .thenCompose(checked -> answer(ctx, wait, reactor.delete(id, cascade), Scopes.MAIN_BRANCH, false)));
  }

  /** PUT /v1/documents/{id}/relationships/{type}/{targetId}, body {@code {metadata?}}. */
  void putRelationship(Context ctx) {
    WaitRequest wait = WaitRequest.of(ctx, config);
    String source = ctx.pathParam("id");
    String type = ctx.pathParam("type");
    String target = ctx.pathParam("targetId");
    JsonNode body = Bodies.read(ctx, config.http().maxBodyBytes());
    JsonNode metadata = null;
    if (body != null) {
      if (!body.isObject()) {
        throw ApiProblem.invalidField("/", "must be a JSON object {metadata?}");
      }
      JsonNode node = body.get("metadata");
      metadata = node == null || node.isNull() ? null : node;
    }
    JsonNode finalMetadata = metadata;
    // PUT replaces: an existing edge gets the new metadata (ADD would leave it unchanged).
    ctx.future(() -> documents.check(source, Scopes.MAIN_BRANCH, List.of())
        .thenCombine(documents.check(target, Scopes.MAIN_BRANCH, List.of()), (a, b) -> a)
        .thenCompose(checked -> documents.hasRelationship(source, target, type))
        .thenCompose(exists -> answer(ctx, wait, exists
            ? reactor.updateRelationship(source, target, type, finalMetadata)
            : reactor.addRelationship(source, target, type, finalMetadata), Scopes.MAIN_BRANCH, true)));
  }

  /** DELETE /v1/documents/{id}/relationships/{type}/{targetId}. */
  void deleteRelationship(Context ctx) {
    WaitRequest wait = WaitRequest.of(ctx, config);
    String source = ctx.pathParam("id");
    String type = ctx.pathParam("type");
    String target = ctx.pathParam("targetId");
    ctx.future(() -> documents.check(source, Scopes.MAIN_BRANCH, List.of())
        .thenCompose(checked -> answer(ctx, wait,
            reactor.removeRelationship(source, target, type), Scopes.MAIN_BRANCH, true)));
  }

  /**
   * 202 with the job; or, when the request asked to wait, 200 {@code {job, document}} once the job is
   * READ_READY (the document read with the job's token), the job's problem when it failed, 504 when
   * the wait ran out.
   */
  private CompletableFuture<Void> answer(Context ctx, WaitRequest wait, JobInfo job, String branch, boolean readBack) {
    onSubmit.accept(job);
    log.debug("job submitted jobId={} documentId={}", job.id(), job.documentId());
    if (!wait.enabled()) {
      accepted(ctx, job);
      return CompletableFuture.completedFuture(null);
    }
    return reactor.awaitJob(job.id(), wait.timeout()).thenComposeAsync(done -> {
      if (done.status() != JobStatus.READ_READY) {
        log.debug("write answered with the job's failure jobId={} documentId={} status={} error=\"{}\"", done.id(), done.documentId(),
            done.status(), done.error() == null ? "" : done.error().message());
        throw ProblemMapper.forFailedJob(done);
      }
      if (!readBack) {
        return CompletableFuture.completedFuture(completed(ctx, done, NullNode.getInstance()));
      }
      ReadOptions read = ReadOptions.after(done.tokenOrEmpty(), wait.timeout());
      // The write succeeded; a concurrent delete may have removed the document since. That is not
      // this request's failure: answer 200 with the job and a null document rather than 404. Read by
      // id, not id-or-slug: the job names the document, and another document's slug must not answer.
      return reactor.documentView().get(done.documentId(), ViewFilter.branch(branch), read)
          .handle((document, error) -> {
            if (error == null) {
              return completed(ctx, done, Wire.document(document));
            }
            if (unwrap(error) instanceof DocumentNotFoundException) {
              log.debug("write succeeded but its document is gone (deleted meanwhile) jobId={} documentId={}",
                  done.id(), done.documentId());
              return completed(ctx, done, NullNode.getInstance());
            }
            throw error instanceof CompletionException c ? c : new CompletionException(error);
          });
    }, AnswerThreads.EXECUTOR).thenAccept(ignored -> {});
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static void accepted(Context ctx, JobInfo job) {
    String token = Responses.encodedToken(job);
    Responses.tokenHeader(ctx, job, token);
    ctx.header("Location", "/v1/jobs/" + job.id());
    Responses.json(ctx, 202, Wire.job(job, token));
  }

  private static Void completed(Context ctx, JobInfo job, JsonNode document) {
    String token = Responses.encodedToken(job);
    ObjectNode body = Json.object();
    body.set("job", Wire.job(job, token));
    body.set("document", document);
    Responses.tokenHeader(ctx, job, token);
    ctx.header("Location", "/v1/jobs/" + job.id());
    Responses.json(ctx, 200, body);
    return null;
  }

  /** {@code wait} and {@code timeoutMs}, parsed before anything is submitted. */
  record WaitRequest(boolean enabled, Duration timeout) {
    static WaitRequest of(Context ctx, ServerConfig config) {
      boolean enabled = Params.flag(ctx, "wait");
      Duration timeout = Params.timeout(ctx, config.consistency().defaultWaitTimeout(), config.consistency().maxWaitTimeout());
      return new WaitRequest(enabled, timeout);
    }
  }
}
