package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.CreateDocument;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.Ids;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.UnknownDocumentTypeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns write bodies into core requests, checking every field first: a request that fails here is
 * answered 400, 413 or 422 and nothing is submitted.
 */
final class WriteRequests {

  /** A parsed {@code POST /v1/documents/{id}/actions} body. */
  record Mutation(String branch, List<Action> actions) {}

  private final Map<String, DocumentModel> models;
  private final int maxActions;

  WriteRequests(Map<String, DocumentModel> models, int maxActions) {
    this.models = models;
    this.maxActions = maxActions;
  }

  /** {@code {documentType, id?, slug?, name?, state?, branch?}}. */
  CreateDocument create(JsonNode body) {
    String documentType = Bodies.requiredString(body, "documentType", "/documentType");
    DocumentModel model = model(documentType);
    String id = Bodies.optionalString(body, "id", "/id");
    String slug = Bodies.optionalString(body, "slug", "/slug");
    String name = Bodies.optionalString(body, "name", "/name");
    String branch = Bodies.optionalString(body, "branch", "/branch");
    Map<String, JsonNode> state = new LinkedHashMap<>();
    JsonNode stateNode = body.get("state");
    if (stateNode != null && !stateNode.isNull()) {
      if (!stateNode.isObject()) {
        throw ApiProblem.invalidField("/state", "must be an object of scope name to state");
      }
      for (Map.Entry<String, JsonNode> entry : stateNode.properties()) {
        if (!model.scopes().contains(entry.getKey())) {
          throw ApiProblem.invalidField("/state/" + entry.getKey(),
              "is not a scope of " + documentType + " (scopes: " + new TreeSet<>(model.scopes()) + ")");
        }
        state.put(entry.getKey(), entry.getValue());
      }
    }
    return new CreateDocument(documentType, id, slug, name, state, branch);
  }

  /** {@code {branch?, actions: [{type, scope?, input, id?, context?}]}} for a document of {@code model}. */
  Mutation mutation(JsonNode body, DocumentModel model) {
    String branch = Bodies.optionalString(body, "branch", "/branch");
    JsonNode actionsNode = body.get("actions");
    if (actionsNode == null || !actionsNode.isArray()) {
      throw ApiProblem.invalidField("/actions", "must be an array of actions");
    }
    if (actionsNode.isEmpty()) {
      throw ApiProblem.invalidField("/actions", "must contain at least one action");
    }
    if (actionsNode.size() > maxActions) {
      throw new ApiProblem(413, "too-many-actions", "Too many actions",
          "The request has " + actionsNode.size() + " actions; the limit is " + maxActions)
          .with("limit", maxActions);
    }
    Instant now = Instant.now();
    List<Action> actions = new ArrayList<>(actionsNode.size());
    for (int i = 0; i < actionsNode.size(); i++) {
      actions.add(action(actionsNode.get(i), "/actions/" + i, model, now));
    }
    return new Mutation(branch == null ? Scopes.MAIN_BRANCH : branch, actions);
  }

  DocumentModel model(String documentType) {
    DocumentModel model = models.get(documentType);
    if (model == null) {
      throw new UnknownDocumentTypeException(documentType);
    }
    return model;
  }

  private static Action action(JsonNode node, String pointer, DocumentModel model, Instant now) {
    if (node == null || !node.isObject()) {
      throw ApiProblem.invalidField(pointer, "must be an object {type, scope?, input, id?}");
    }
    String type = Bodies.requiredString(node, "type", pointer + "/type");
    if (SystemActions.isSystemAction(type)) {
      throw ApiProblem.invalidField(pointer + "/type",
          type + " is a system action; use the document, delete and relationship endpoints");
    }
    String scope = Bodies.optionalString(node, "scope", pointer + "/scope");
    scope = scope == null ? Scopes.GLOBAL : scope;
    if (!model.scopes().contains(scope)) {
      throw ApiProblem.invalidField(pointer + "/scope",
          "is not a scope of " + model.documentType() + " (scopes: " + new TreeSet<>(model.scopes()) + ")");
    }
    String id = Bodies.optionalString(node, "id", pointer + "/id");
    JsonNode context = node.get("context");
    if (context != null && !context.isNull() && !context.isObject()) {
      throw ApiProblem.invalidField(pointer + "/context", "must be an object");
    }
    return new Action(id == null ? Ids.newId() : id, type, scope, now, node.get("input"),
        context == null || context.isNull() ? null : context);
  }
}
