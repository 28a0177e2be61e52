package dev.quire.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.job.JobInfo;
import dev.quire.model.Json;
import io.javalin.http.Context;

/** Writing JSON answers with the core's mapper. */
final class Responses {

  static final String JSON = "application/json";

  private Responses() {}

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType(JSON);
    ctx.result(bytes(body));
  }

  static byte[] bytes(JsonNode body) {
    try {
      return Json.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }

  /**
   * Sets the consistency-token header when the job has written (its token is then present and not
   * empty); {@code encodedToken} is {@link #encodedToken}'s, shared with the body.
   */
  static void tokenHeader(Context ctx, JobInfo job, String encodedToken) {
    if (encodedToken != null && job.consistencyToken().filter(token -> !token.isEmpty()).isPresent()) {
      ctx.header(Tokens.HEADER, encodedToken);
    }
  }

  /** The job's token in wire form; null when the job has none yet. Encoding writes JSON: do it once per answer. */
  static String encodedToken(JobInfo job) {
    return job.consistencyToken().map(ConsistencyToken::encode).orElse(null);
  }
}
