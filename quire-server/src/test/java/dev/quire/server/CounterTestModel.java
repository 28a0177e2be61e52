package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Scopes;
import java.util.Set;

/** {@code test/counter}: a global integer, INCREMENT by {@code input.by}. Loaded only through --models. */
public final class CounterTestModel implements DocumentModel {

  @Override
  public String documentType() {
    return "test/counter";
  }

  @Override
  public Set<String> scopes() {
    return Set.of(Scopes.GLOBAL);
  }

  @Override
  public JsonNode initialState(String scope) {
    return IntNode.valueOf(0);
  }

  @Override
  public JsonNode reduce(JsonNode state, Action action) {
    if (!action.type().equals("INCREMENT")) {
      throw new InvalidActionException(action.type(), "test/counter only knows INCREMENT");
    }
    return IntNode.valueOf(state.asInt() + action.input().path("by").asInt(1));
  }
}
