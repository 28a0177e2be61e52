package dev.quire.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The few HTTP calls the CLI makes to a running server. */
final class AdminClient {

  /** A response: status and parsed JSON body (null when it was not JSON). */
  record Answer(int status, JsonNode body) {

    /** The problem's detail, or the status line. */
    String problem() {
      if (body != null && body.hasNonNull("detail")) {
        return body.path("title").asText() + ": " + body.get("detail").asText();
      }
      return "HTTP " + status;
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(String url, Path tokenFile) throws IOException {
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    String fromEnv = System.getenv("QUIRE_AUTH_TOKEN");
    this.token = tokenFile != null ? ServeCommand.readToken(tokenFile) : fromEnv;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Answer post(String path, Duration timeout) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), timeout);
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return send(request, Duration.ofSeconds(30));
  }

  private Answer send(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
    request.timeout(timeout).header("Accept", "application/json");
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.trim());
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new IOException("cannot reach " + base + " (is 'quire serve' running there?)", e);
    }
    JsonNode body = null;
    try {
      if (response.body().length > 0) {
        body = Json.mapper().readTree(response.body());
      }
    } catch (IOException notJson) {
      body = null;
    }
    return new Answer(response.statusCode(), body);
  }
}
