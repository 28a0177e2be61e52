package dev.quire.model.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import java.util.Set;

/**
 * {@code quire/drive}: a container other documents hang from.
 *
 * <p>The drive itself holds only metadata. Its {@code global} state is {@code {"name": "",
 * "description": ""}}, changed by {@code SET_NAME {name}} and {@code SET_DESCRIPTION {description}}
 * (a string, or null to clear); its {@code local} state is {@code {}} and takes no actions.
 *
 * <p>Folders and files are not part of this state. A document is in a drive (or in a folder, which is
 * just another document) through a relationship of type {@link
 * dev.quire.model.SystemActions#CHILD_RELATIONSHIP child} from the container to it, written with
 * {@code ADD_RELATIONSHIP} in the container's {@code document} scope. Quire's indexer answers "what
 * is under this drive" and deletes children with their parent, so the tree never has to be kept
 * consistent inside one document's state, and moving a file is a relationship change rather than a
 * rewrite of a large node list.
 */
public final class DriveDocumentModel implements DocumentModel {

  public static final String DOCUMENT_TYPE = "quire/drive";

  public static final String SET_NAME = "SET_NAME";
  public static final String SET_DESCRIPTION = "SET_DESCRIPTION";

  @Override
  public String documentType() {
    return DOCUMENT_TYPE;
  }

  @Override
  public Set<String> scopes() {
    return Set.of(Scopes.GLOBAL, Scopes.LOCAL);
  }

  @Override
  public JsonNode initialState(String scope) {
    return switch (scope) {
      case Scopes.GLOBAL -> Json.object().put("name", "").put("description", "");
      case Scopes.LOCAL -> Json.object();
      default -> throw new IllegalArgumentException(DOCUMENT_TYPE + " has no scope " + scope);
    };
  }

  @Override
  public JsonNode reduce(JsonNode state, Action action) {
    return switch (action.type()) {
      case SET_NAME -> setText(state, action, "name", false);
      case SET_DESCRIPTION -> setText(state, action, "description", true);
      default -> throw new InvalidActionException(
          action.type(), "Unknown action type " + action.type() + " for " + DOCUMENT_TYPE);
    };
  }

  private static JsonNode setText(JsonNode state, Action action, String field, boolean nullable) {
    String type = action.type();
    if (!Scopes.GLOBAL.equals(action.scope())) {
      throw new InvalidActionException(type, type + ": applies to scope global, not " + action.scope());
    }
    JsonNode input = action.input();
    JsonNode value = input.isObject() ? input.get(field) : null;
    boolean valid = value != null && (value.isTextual() || (nullable && value.isNull()));
    if (!valid) {
      throw new InvalidActionException(type, type + ": input." + field + " must be a string"
          + (nullable ? " or null" : ""));
    }
    if (!state.isObject()) {
      throw new InvalidActionException(type, type + ": the state must be an object");
    }
    ObjectNode next = ((ObjectNode) state).deepCopy();
    next.put(field, value.isNull() ? "" : value.textValue());
    return next;
  }
}
