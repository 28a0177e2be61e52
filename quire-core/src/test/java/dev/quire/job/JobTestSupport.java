package dev.quire.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Json;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.builtin.JsonDocumentModel;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builders of jobs and actions for the job package tests. */
final class JobTestSupport {

  static final String JSON = JsonDocumentModel.DOCUMENT_TYPE;

  private JobTestSupport() {}

  static Job job(String documentId, Action... actions) {
    return new Job(UUID.randomUUID().toString(), JobKind.MUTATION, documentId, Scopes.MAIN_BRANCH,
        List.of(actions), List.of(), null, Instant.EPOCH);
  }

  static Action create(String documentId) {
    return Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, CreateDocumentInput.of(JSON, documentId).toJson());
  }

  static Action delete(String documentId) {
    return Action.of(SystemActions.DELETE_DOCUMENT, Scopes.DOCUMENT, Json.object().put("documentId", documentId));
  }

  static Action set(String scope, String path, int value) {
    return Action.of(JsonDocumentModel.SET, scope, Json.object().put("path", path).put("value", value));
  }

  static Action set(String path, int value) {
    return set(Scopes.GLOBAL, path, value);
  }

  static Action relationship(String type, JsonNode input) {
    return Action.of(type, Scopes.DOCUMENT, input);
  }

  static Action addChild(String sourceId, String targetId) {
    return relationship(SystemActions.ADD_RELATIONSHIP,
        new RelationshipInput(sourceId, targetId, SystemActions.CHILD_RELATIONSHIP, null).toJson());
  }
}
