package dev.quire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

final class ReactorTestSupport {

  static final String JSON = JsonDocumentModel.DOCUMENT_TYPE;
  static final Duration WAIT = Duration.ofSeconds(5);

  private ReactorTestSupport() {}

  static Action set(String path, Object value) {
    return Action.of(JsonDocumentModel.SET, Scopes.GLOBAL,
        Json.object().put("path", path).set("value", Json.mapper().valueToTree(value)));
  }

  static JobInfo await(Reactor reactor, JobInfo job) {
    return get(reactor.awaitJob(job.id(), WAIT));
  }

  static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within 5 s", e);
    }
  }

  static JsonNode global(dev.quire.model.Document document) {
    return document.state(Scopes.GLOBAL);
  }
}
