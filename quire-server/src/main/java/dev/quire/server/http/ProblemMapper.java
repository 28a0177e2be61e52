package dev.quire.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ReadModelFailedException;
import dev.quire.job.ErrorInfo;
import dev.quire.job.InvalidJobException;
import dev.quire.job.JobFailedException;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.job.JobWaitTimeoutException;
import dev.quire.job.UnknownJobException;
import dev.quire.model.DocumentDeletedException;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.store.DuplicateOperationException;
import dev.quire.store.RevisionMismatchException;
import dev.quire.view.AmbiguousIdentifierException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP statuses. Every error the server answers is an RFC 9457
 * problem document ({@code application/problem+json}) built here, so a client sees one shape
 * whatever failed.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><td>malformed JSON, invalid parameter or field, bad token</td><td>400</td></tr>
 *   <tr><td>missing or wrong bearer token</td><td>401</td></tr>
 *   <tr><td>unknown document, job or read model</td><td>404</td></tr>
 *   <tr><td>revision conflict, duplicate operation, deleted document, ambiguous id</td><td>409</td></tr>
 *   <tr><td>body or action list too large</td><td>413</td></tr>
 *   <tr><td>unknown document type, invalid action</td><td>422</td></tr>
 *   <tr><td>read model parked</td><td>503</td></tr>
 *   <tr><td>consistency or job wait timed out</td><td>504</td></tr>
 * </table>
 */
public final class ProblemMapper {

  public static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger log = LoggerFactory.getLogger(ProblemMapper.class);

  private ProblemMapper() {}

  /** Writes {@code error} to {@code ctx} as a problem document. */
  public static void handle(Throwable error, Context ctx) {
    ApiProblem problem = toProblem(error);
    if (problem.status() == 500) {
      log.error("request failed method={} path={} status={}", ctx.method(), ctx.path(), problem.status(), unwrap(error));
    } else {
      log.debug("request refused method={} path={} status={} detail=\"{}\"",
          ctx.method(), ctx.path(), problem.status(), problem.detail());
    }
    write(ctx, problem);
  }

  public static void write(Context ctx, ApiProblem problem) {
    if (problem.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"quire\"");
    }
    ctx.status(problem.status());
    ctx.contentType(CONTENT_TYPE);
    ctx.result(Responses.bytes(problem.toJson(ctx.path())));
  }

  /** The problem {@code error} stands for; wrappers of asynchronous code are looked through. */
  public static ApiProblem toProblem(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ApiProblem problem) {
      return problem;
    }
    if (e instanceof JsonProcessingException json) {
      return ApiProblem.badRequest("malformed-json", "Malformed JSON", json.getOriginalMessage());
    }
    if (e instanceof UnknownDocumentTypeException unknown) {
      return new ApiProblem(422, "unknown-document-type", "Unknown document type", e.getMessage())
          .with("documentType", unknown.documentType());
    }
    if (e instanceof InvalidActionException invalid) {
      ApiProblem problem = new ApiProblem(422, "invalid-action", "Invalid action", e.getMessage());
      if (invalid.actionType() != null) {
        problem.with("actionType", invalid.actionType());
      }
      return problem;
    }
    if (e instanceof RevisionMismatchException conflict) {
      return new ApiProblem(409, "revision-conflict", "Revision conflict", e.getMessage())
          .with("stream", conflict.stream().toString())
          .with("expectedRevision", conflict.expected())
          .with("actualRevision", conflict.actual());
    }
    if (e instanceof DuplicateOperationException duplicate) {
      return new ApiProblem(409, "duplicate-operation", "Duplicate operation", e.getMessage())
          .with("stream", duplicate.stream().toString())
          .with("operationId", duplicate.operationId());
    }
    if (e instanceof DocumentNotFoundException notFound) {
      return new ApiProblem(404, "document-not-found", "Document not found", e.getMessage())
          .with("documentId", notFound.documentId());
    }
    if (e instanceof DocumentDeletedException deleted) {
      return new ApiProblem(409, "document-deleted", "Document deleted", e.getMessage())
          .with("documentId", deleted.documentId());
    }
    if (e instanceof AmbiguousIdentifierException) {
      return new ApiProblem(409, "ambiguous-identifier", "Ambiguous identifier", e.getMessage());
    }
    if (e instanceof ConsistencyTimeoutException timeout) {
      ArrayNode coordinates = Json.mapper().createArrayNode();
      for (ConsistencyTimeoutException.UnmetCoordinate unmet : timeout.unmet()) {
        ObjectNode c = Wire.coordinate(unmet.coordinate());
        if (unmet.latest().isPresent()) {
          c.put("latestIndex", unmet.latest().getAsLong());
        } else {
          c.putNull("latestIndex");
        }
        coordinates.add(c);
      }
      return new ApiProblem(504, "consistency-timeout", "Read model did not catch up in time", e.getMessage())
          .with("readModel", timeout.trackerName())
          .with("waitedMs", timeout.waited().toMillis())
          .with("coordinates", coordinates);
    }
    if (e instanceof ReadModelFailedException failed) {
      return new ApiProblem(503, "read-model-parked", "Read model parked", e.getMessage())
          .with("readModel", failed.readModel())
          .with("stream", failed.stream().toString());
    }
    if (e instanceof JobWaitTimeoutException timeout) {
      return new ApiProblem(504, "job-wait-timeout", "Job did not finish in time", e.getMessage())
          .with("jobId", timeout.jobId())
          .with("lastStatus", timeout.lastStatus().name())
          .with("waitedMs", timeout.waited().toMillis());
    }
    if (e instanceof JobFailedException failed) {
      return forFailedJob(failed.job());
    }
    if (e instanceof UnknownJobException unknown) {
      return new ApiProblem(404, "job-not-found", "Job not found", e.getMessage()).with("jobId", unknown.jobId());
    }
    if (e instanceof InvalidJobException) {
      return ApiProblem.badRequest("invalid-job", "Invalid job", e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return ApiProblem.badRequest("invalid-request", "Invalid request", e.getMessage());
    }
    if (e instanceof CancellationException) {
      return new ApiProblem(503, "cancelled", "Request cancelled", "The server is shutting down");
    }
    if (e instanceof HttpResponseException http) {
      return fromJavalin(http);
    }
    return new ApiProblem(500, "internal-error", "Internal server error",
        "An unexpected error occurred; see the server log");
  }

  /**
   * The problem a failed job stands for, by the type of its last error: the reducer's message for an
   * invalid action (422), 409 for a conflict, 404 for a missing document, 503 for a parked read
   * model. The job itself rides along in {@code job}.
   */
  public static ApiProblem forFailedJob(JobInfo job) {
    ErrorInfo error = job.error();
    String type = error == null ? "" : error.type();
    String message = error == null ? "Job " + job.id() + " ended " + job.status() : error.message();
    ApiProblem problem;
    if (job.status() == JobStatus.READ_FAILED) {
      problem = new ApiProblem(503, "read-model-parked", "Read model parked",
          "The job's operations were written, but a read model parked the stream: " + message);
    } else {
      problem = switch (type) {
        case "InvalidActionException" -> new ApiProblem(422, "invalid-action", "Invalid action", message);
        case "UnknownDocumentTypeException" ->
            new ApiProblem(422, "unknown-document-type", "Unknown document type", message);
        case "RevisionMismatchException" -> new ApiProblem(409, "revision-conflict", "Revision conflict", message);
        case "DuplicateOperationException" -> new ApiProblem(409, "duplicate-operation", "Duplicate operation", message);
        case "DocumentDeletedException" -> new ApiProblem(409, "document-deleted", "Document deleted", message);
        case "DocumentAlreadyExistsException" ->
            new ApiProblem(409, "document-exists", "Document already exists", message);
        case "DocumentNotFoundException" -> new ApiProblem(404, "document-not-found", "Document not found", message);
        default -> new ApiProblem(500, "job-failed", "Job failed", message);
      };
    }
    return problem.with("jobId", job.id()).with("job", Wire.job(job));
  }

  private static ApiProblem fromJavalin(HttpResponseException http) {
    int status = http.getStatus();
    return switch (status) {
      case 404 -> new ApiProblem(404, "not-found", "Not found", "No such endpoint");
      case 405 -> new ApiProblem(405, "method-not-allowed", "Method not allowed", http.getMessage());
      case 413 -> new ApiProblem(413, "body-too-large", "Request body too large", http.getMessage());
      default -> new ApiProblem(status, "http-" + status, http.getMessage(), http.getMessage());
    };
  }

  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
