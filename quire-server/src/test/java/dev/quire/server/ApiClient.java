package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small JSON client for the server under test, on {@link HttpClient}. */
public final class ApiClient {

  /** A finished exchange; {@link #json()} parses the body. */
  public record ApiResponse(int status, HttpHeaders headers, String body) {

    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("Not JSON (status " + status + "): " + body, e);
      }
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final URI base;
  private final HttpClient http;
  private final List<String> defaultHeaders = new ArrayList<>();

  public ApiClient(String baseUrl) {
    this.base = URI.create(baseUrl);
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A client sending {@code Authorization: Bearer token} with every request. */
  public ApiClient withBearer(String token) {
    ApiClient copy = new ApiClient(base.toString());
    copy.defaultHeaders.addAll(defaultHeaders);
    copy.defaultHeaders.add("Authorization");
    copy.defaultHeaders.add("Bearer " + token);
    return copy;
  }

  public HttpClient http() {
    return http;
  }

  public URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  public ApiResponse get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  public ApiResponse post(String path, String body, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  public ApiResponse post(String path, JsonNode body, String... headers) {
    return post(path, body.toString(), headers);
  }

  public ApiResponse put(String path, String body, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .PUT(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  public ApiResponse delete(String path, String... headers) {
    return send(request(path, headers).DELETE());
  }

  public ApiResponse send(String method, String path, String body, String... headers) {
    return send(request(path, headers).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  /** POST /v1/documents of a {@code quire/json} document with this id; waits until READ_READY. */
  public JsonNode createJson(String id) {
    ObjectNode body = Json.object().put("documentType", "quire/json").put("id", id);
    ApiResponse response = post("/v1/documents?wait=true", body);
    if (response.status() != 200) {
      throw new AssertionError("create " + id + " failed: " + response);
    }
    return response.json();
  }

  /** SET {@code path} to {@code value} on a {@code quire/json} document; returns the 202 response. */
  public ApiResponse set(String id, String path, JsonNode value, String query) {
    ObjectNode action = Json.object().put("type", "SET");
    action.putObject("input").put("path", path).set("value", value);
    ObjectNode body = Json.object();
    body.putArray("actions").add(action);
    return post("/v1/documents/" + id + "/actions" + (query == null ? "" : query), body);
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < defaultHeaders.size(); i += 2) {
      builder.header(defaultHeaders.get(i), defaultHeaders.get(i + 1));
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  private ApiResponse send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new ApiResponse(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
