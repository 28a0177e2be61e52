package dev.quire.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.FindRequest;
import dev.quire.Reactor;
import dev.quire.index.Direction;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.server.ServerConfig;
import dev.quire.store.PageRequest;
import dev.quire.view.ViewFilter;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The read endpoints. Reads that send a consistency token wait (bounded) for the read model behind
 * the endpoint, then answer: the document view for documents, the indexer for relationships. The
 * operation log is read from the store, which is authoritative, so it never waits.
 */
final class ReadHandlers {

  private final Reactor reactor;
  private final ServerConfig config;

  ReadHandlers(Reactor reactor, ServerConfig config) {
    this.reactor = reactor;
    this.config = config;
  }

  /** GET /v1/documents/{idOrSlug}?branch=&scopes=. */
  void get(Context ctx) {
    ReadOptions read = readOptions(ctx);
    ViewFilter filter = filter(ctx);
    String idOrSlug = ctx.pathParam("id");
    ctx.future(() -> reactor.get(idOrSlug, filter, read)
        .thenAccept(document -> Responses.json(ctx, 200, Wire.document(document))));
  }

  /** GET /v1/documents?type=&parentId=&ids=&slugs=&cursor=&limit=&branch=&scopes=. */
  void find(Context ctx) {
    ReadOptions read = readOptions(ctx);
    ViewFilter filter = filter(ctx);
    PageRequest page = Params.page(ctx);
    FindRequest request;
    try {
      request = new FindRequest(Params.string(ctx, "type"), Params.string(ctx, "parentId"),
          Params.list(ctx, "ids"), Params.list(ctx, "slugs"));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("invalid-query", "Invalid search", e.getMessage());
    }
    ctx.future(() -> reactor.find(request, filter, page, read)
        .thenAccept(result -> Responses.json(ctx, 200, Wire.page(result, Wire::document))));
  }

  /**
   * GET /v1/documents/{id}/operations?scope=&branch=&sinceIndex=&cursor=&limit=. Without a scope, the
   * document's scopes are listed one after the other (sorted by name); the cursor remembers where.
   */
  void operations(Context ctx) {
    Tokens.fromRequest(ctx); // validated; the store needs no wait
    String id = ctx.pathParam("id");
    String branch = branch(ctx);
    String scopeParam = Params.string(ctx, "scope");
    long sinceIndex = Params.longValue(ctx, "sinceIndex", 0, 0, Long.MAX_VALUE);
    PageRequest page = Params.page(ctx);
    if (reactor.operationStore().documentType(id) == null) {
      throw new DocumentNotFoundException(id);
    }
    List<String> scopes = scopeParam != null
        ? List.of(scopeParam)
        : new ArrayList<>(new TreeSet<>(reactor.operationStore().getRevisions(id, branch).keySet()));
    OperationsCursor cursor = OperationsCursor.decode(page.cursor(), scopes);
    if (scopes.isEmpty()) {
      ObjectNode empty = Json.object();
      empty.putArray("items");
      empty.putNull("nextCursor");
      Responses.json(ctx, 200, empty);
      return;
    }
    String scope = scopes.get(cursor.scopeIndex());
    PageRequest storePage = new PageRequest(cursor.storeCursor(), page.limit());
    ctx.future(() -> reactor.operations(id, scope, branch, sinceIndex - 1, storePage).thenAccept(result -> {
      ObjectNode body = Json.object();
      ArrayNode items = body.putArray("items");
      for (Operation operation : result.items()) {
        ObjectNode item = Wire.operation(operation);
        item.put("scope", scope);
        item.put("branch", branch);
        items.add(item);
      }
      String next = null;
      if (result.nextCursor().isPresent()) {
        next = OperationsCursor.encode(scope, result.nextCursor().get());
      } else if (cursor.scopeIndex() + 1 < scopes.size()) {
        next = OperationsCursor.encode(scopes.get(cursor.scopeIndex() + 1), null);
      }
      body.put("nextCursor", next);
      Responses.json(ctx, 200, body);
    }));
  }

  /** GET /v1/documents/{id}/relationships?direction=&type=&cursor=&limit=. */
  void relationships(Context ctx) {
    ReadOptions read = readOptions(ctx);
    String id = ctx.pathParam("id");
    Direction direction = direction(ctx);
    PageRequest page = Params.page(ctx);
    ctx.future(() -> reactor.relationships(id, direction, Params.set(ctx, "type"), page, read)
        .thenAccept(result -> Responses.json(ctx, 200, Wire.page(result, Wire::relationship))));
  }

  private ReadOptions readOptions(Context ctx) {
    return new ReadOptions(Tokens.fromRequest(ctx),
        Params.timeout(ctx, config.consistency().defaultWaitTimeout(), config.consistency().maxWaitTimeout()), null);
  }

  private static ViewFilter filter(Context ctx) {
    return new ViewFilter(branch(ctx), Params.set(ctx, "scopes"));
  }

  private static String branch(Context ctx) {
    String branch = Params.string(ctx, "branch");
    return branch == null ? Scopes.MAIN_BRANCH : branch;
  }

  private static Direction direction(Context ctx) {
    String value = Params.string(ctx, "direction");
    if (value == null) {
      return Direction.OUTGOING;
    }
    try {
      return Direction.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalidParameter("direction", "must be outgoing or incoming, got \"" + value + "\"");
    }
  }

  /** Where a scope-spanning page of operations resumes: which scope, and the store's cursor in it. */
  record OperationsCursor(int scopeIndex, String storeCursor) {

    static String encode(String scope, String storeCursor) {
      String raw = scope + "\n" + (storeCursor == null ? "" : storeCursor);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static OperationsCursor decode(String cursor, List<String> scopes) {
      if (cursor == null) {
        return new OperationsCursor(0, null);
      }
      String raw;
      try {
        raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalidParameter("cursor", "is not a cursor this endpoint returned");
      }
      int newline = raw.indexOf('\n');
      int index = newline < 0 ? -1 : scopes.indexOf(raw.substring(0, newline));
      if (index < 0) {
        throw ApiProblem.invalidParameter("cursor", "is not a cursor this endpoint returned for these parameters");
      }
      String storeCursor = raw.substring(newline + 1);
      return new OperationsCursor(index, storeCursor.isEmpty() ? null : storeCursor);
    }
  }
}
