package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Json;
import java.util.Objects;

/**
 * An HTTP error as RFC 9457 problem details: thrown by handlers for request-level faults (bad query
 * parameter, oversize body, missing token) and built by {@link ProblemMapper} from core exceptions.
 * {@code type} is a stable URN naming the kind of problem; extension members carry what a client
 * needs to act ({@code coordinates}, {@code errors}, {@code job}...).
 */
public final class ApiProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final String TYPE_PREFIX = "urn:quire:problem:";

  private final int status;
  private final String type;
  private final String title;
  private final transient ObjectNode extensions = Json.object();

  public ApiProblem(int status, String kind, String title, String detail) {
    super(detail == null ? title : detail);
    this.status = status;
    this.type = TYPE_PREFIX + Objects.requireNonNull(kind, "kind");
    this.title = Objects.requireNonNull(title, "title");
  }

  public static ApiProblem badRequest(String kind, String title, String detail) {
    return new ApiProblem(400, kind, title, detail);
  }

  /** A query or path parameter that does not parse; {@code errors} names it. */
  public static ApiProblem invalidParameter(String name, String detail) {
    ApiProblem problem = badRequest("invalid-parameter", "Invalid parameter", name + ": " + detail);
    problem.with("errors", Json.mapper().createArrayNode().add(fieldError(name, detail)));
    return problem;
  }

  /** A body field that is missing or has the wrong shape; {@code errors} names it. */
  public static ApiProblem invalidField(String pointer, String detail) {
    ApiProblem problem = badRequest("invalid-body", "Invalid request body", pointer + ": " + detail);
    problem.with("errors", Json.mapper().createArrayNode().add(fieldError(pointer, detail)));
    return problem;
  }

  static ObjectNode fieldError(String field, String detail) {
    ObjectNode error = Json.object();
    error.put("field", field);
    error.put("detail", detail);
    return error;
  }

  public ApiProblem with(String member, JsonNode value) {
    extensions.set(member, value);
    return this;
  }

  public ApiProblem with(String member, String value) {
    extensions.put(member, value);
    return this;
  }

  public ApiProblem with(String member, long value) {
    extensions.put(member, value);
    return this;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  /** The problem document: {@code type, title, status, detail}, then the extension members. */
  public ObjectNode toJson(String instance) {
    ObjectNode node = Json.object();
    node.put("type", type);
    node.put("title", title);
    node.put("status", status);
    node.put("detail", detail());
    if (instance != null) {
      node.put("instance", instance);
    }
    extensions.properties().forEach(e -> node.set(e.getKey(), e.getValue()));
    return node;
  }
}
