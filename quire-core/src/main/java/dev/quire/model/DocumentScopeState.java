package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reducer of the {@code document} scope: Quire's own state of a document, changed only by
 * {@link SystemActions}. The job executor uses it to compute an operation's resulting state and
 * read models use it to rebuild that state on catch-up, so both agree. Shape:
 *
 * <pre>{@code
 * { "id", "documentType", "slug", "name", "version", "createdAt", "isDeleted", "deletedAt"? }
 * }</pre>
 *
 * Relationship actions leave the state unchanged (relationships live in the indexer).
 */
public final class DocumentScopeState {

  private DocumentScopeState() {}

  /**
   * Applies a system action.
   *
   * @param state the current document-scope state; ignored by CREATE_DOCUMENT, may be null then
   * @param modelVersion the model's version, used when CREATE_DOCUMENT does not carry one
   * @throws InvalidActionException for a non-system action or an invalid input
   */
  public static JsonNode reduce(JsonNode state, Action action, int modelVersion) {
    String type = action.type();
    return switch (type) {
      case SystemActions.CREATE_DOCUMENT -> created(CreateDocumentInput.fromJson(action.input()), modelVersion, action);
      case SystemActions.UPGRADE_DOCUMENT -> {
        ObjectNode next = copy(state, type);
        next.put("version", UpgradeDocumentInput.fromJson(action.input()).version());
        yield next;
      }
      case SystemActions.DELETE_DOCUMENT -> {
        ObjectNode next = copy(state, type);
        next.put("isDeleted", true);
        next.put("deletedAt", action.timestamp().toString());
        yield next;
      }
      case SystemActions.ADD_RELATIONSHIP, SystemActions.REMOVE_RELATIONSHIP, SystemActions.UPDATE_RELATIONSHIP ->
          copy(state, type);
      default -> throw new InvalidActionException(type, "Not a system action of the document scope: " + type);
    };
  }

  private static ObjectNode created(CreateDocumentInput input, int modelVersion, Action action) {
    ObjectNode node = Json.object();
    node.put("id", input.id());
    node.put("documentType", input.documentType());
    node.put("slug", input.slug());
    node.put("name", input.name());
    node.put("version", input.version() != null ? input.version() : modelVersion);
    node.put("createdAt", action.timestamp().toString());
    node.put("isDeleted", false);
    return node;
  }

  private static ObjectNode copy(JsonNode state, String actionType) {
    if (state == null || !state.isObject()) {
      throw new InvalidActionException(actionType, actionType + " needs a created document (no document-scope state)");
    }
    return ((ObjectNode) state).deepCopy();
  }
}
