package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.index.Relationship;
import dev.quire.job.ErrorInfo;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.Document;
import dev.quire.model.DocumentHeader;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.store.Page;
import java.time.Instant;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The JSON shapes of the HTTP API, written by hand rather than by reflecting over core records, so
 * the wire format (documented in {@code openapi.json}) does not move when a core record does.
 */
public final class Wire {

  private Wire() {}

  public static ObjectNode job(JobInfo job) {
    return job(job, Responses.encodedToken(job));
  }

  /**
   * The job with its token already encoded ({@link Responses#encodedToken}): an answer that also
   * sends the token as a header encodes it once.
   */
  static ObjectNode job(JobInfo job, String encodedToken) {
    ObjectNode node = Json.object();
    node.put("id", job.id());
    node.put("documentId", job.documentId());
    node.put("status", job.status().name());
    node.put("createdAt", instant(job.createdAt()));
    node.put("completedAt", instant(job.completedAt()));
    node.set("error", job.error() == null ? NullNode.getInstance() : error(job.error()));
    ArrayNode history = node.putArray("errorHistory");
    job.errorHistory().forEach(e -> history.add(error(e)));
    node.put("attempts", job.attempts());
    node.put("consistencyToken", encodedToken);
    return node;
  }

  public static ObjectNode error(ErrorInfo error) {
    ObjectNode node = Json.object();
    node.put("type", error.type());
    node.put("message", error.message());
    return node;
  }

  public static ObjectNode document(Document document) {
    ObjectNode node = Json.object();
    node.set("header", header(document.header()));
    ObjectNode state = node.putObject("state");
    new TreeMap<>(document.state()).forEach(state::set);
    return node;
  }

  public static ObjectNode header(DocumentHeader header) {
    ObjectNode node = Json.object();
    node.put("id", header.id());
    node.put("documentType", header.documentType());
    node.put("slug", header.slug());
    node.put("name", header.name());
    node.put("branch", header.branch());
    node.put("createdAt", instant(header.createdAt()));
    node.put("lastModifiedAt", instant(header.lastModifiedAt()));
    ObjectNode revision = node.putObject("revision");
    new TreeMap<>(header.revision()).forEach(revision::put);
    return node;
  }

  public static ObjectNode operation(Operation operation) {
    ObjectNode node = Json.object();
    node.put("id", operation.id());
    node.put("index", operation.index());
    node.put("skip", operation.skip());
    node.put("timestamp", instant(operation.timestamp()));
    node.put("hash", operation.hash());
    node.set("action", action(operation.action()));
    node.put("error", operation.error());
    return node;
  }

  /** An operation with where it belongs, as the event stream sends it. */
  public static ObjectNode operation(OperationWithContext operation) {
    ObjectNode node = operation(operation.operation());
    node.put("documentId", operation.documentId());
    node.put("documentType", operation.documentType());
    node.put("scope", operation.scope());
    node.put("branch", operation.branch());
    node.put("ordinal", operation.ordinal());
    return node;
  }

  public static ObjectNode action(Action action) {
    ObjectNode node = Json.object();
    node.put("id", action.id());
    node.put("type", action.type());
    node.put("scope", action.scope());
    node.put("timestamp", instant(action.timestamp()));
    node.set("input", action.input());
    node.set("context", action.context() == null ? NullNode.getInstance() : action.context());
    return node;
  }

  public static ObjectNode relationship(Relationship relationship) {
    ObjectNode node = Json.object();
    node.put("sourceId", relationship.sourceId());
    node.put("targetId", relationship.targetId());
    node.put("type", relationship.type());
    node.set("metadata", relationship.metadata() == null ? NullNode.getInstance() : relationship.metadata());
    node.put("createdAt", instant(relationship.createdAt()));
    node.put("updatedAt", instant(relationship.updatedAt()));
    return node;
  }

  public static ObjectNode coordinate(ConsistencyCoordinate coordinate) {
    ObjectNode node = Json.object();
    node.put("documentId", coordinate.documentId());
    node.put("scope", coordinate.scope());
    node.put("branch", coordinate.branch());
    node.put("operationIndex", coordinate.operationIndex());
    return node;
  }

  /** {@code {items: [...], nextCursor}}. */
  public static <T> ObjectNode page(Page<T> page, Function<? super T, ? extends JsonNode> item) {
    ObjectNode node = Json.object();
    ArrayNode items = node.putArray("items");
    page.items().forEach(i -> items.add(item.apply(i)));
    node.put("nextCursor", page.nextCursor().orElse(null));
    return node;
  }

  static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
