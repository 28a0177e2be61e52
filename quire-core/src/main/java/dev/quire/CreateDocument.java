package dev.quire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Scopes;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a document.
 *
 * @param id the document id; null to generate one
 * @param slug a unique human-readable alias; null for none
 * @param name a display name; null for none
 * @param initialState per scope, a state that replaces the model's initial state; null or empty for
 *     the model's defaults
 * @param branch null for {@code main}
 */
public record CreateDocument(
    String documentType, String id, String slug, String name, Map<String, JsonNode> initialState, String branch) {

  public CreateDocument {
    if (documentType == null || documentType.isEmpty()) {
      throw new IllegalArgumentException("documentType must not be empty");
    }
    if (id != null && id.isEmpty()) {
      throw new IllegalArgumentException("id must be null (generated) or non-empty");
    }
    initialState = initialState == null ? Map.of() : Map.copyOf(initialState);
    branch = branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch;
  }

  /** A document of {@code documentType} with a generated id and the model's initial state. */
  public static CreateDocument of(String documentType) {
    return new CreateDocument(documentType, null, null, null, null, null);
  }

  /** A document of {@code documentType} with the given id. */
  public static CreateDocument of(String documentType, String id) {
    return new CreateDocument(documentType, Objects.requireNonNull(id, "id"), null, null, null, null);
  }

  public CreateDocument withSlug(String newSlug) {
    return new CreateDocument(documentType, id, newSlug, name, initialState, branch);
  }

  public CreateDocument withName(String newName) {
    return new CreateDocument(documentType, id, slug, newName, initialState, branch);
  }

  public CreateDocument withInitialState(String scope, JsonNode state) {
    Map<String, JsonNode> states = new java.util.HashMap<>(initialState);
    states.put(scope, state);
    return new CreateDocument(documentType, id, slug, name, states, branch);
  }
}
