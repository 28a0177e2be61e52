package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A document type: its scopes, their initial states and the reducer. Implementations are pure and
 * thread-safe; Quire calls {@link #reduce} from many threads, never twice at once for one stream.
 *
 * <p>Register models on the reactor builder, or list them in
 * {@code META-INF/services/dev.quire.model.DocumentModel} to be found with {@link java.util.ServiceLoader}.
 */
public interface DocumentModel {

  /** The type name, e.g. {@code quire/json}. */
  String documentType();

  /** The model's version; stored in the document scope at creation. */
  default int version() {
    return 1;
  }

  /** The model's own scopes (the {@code document} scope is Quire's and is not listed). */
  default Set<String> scopes() {
    return Set.of(Scopes.GLOBAL, Scopes.LOCAL);
  }

  /** The state a new document's {@code scope} starts from. */
  JsonNode initialState(String scope);

  /**
   * Applies {@code action} to {@code state} of its scope and returns the new state. Must not mutate
   * {@code state}.
   *
   * @throws InvalidActionException when the action is not valid for this model or state
   */
  JsonNode reduce(JsonNode state, Action action);
}
