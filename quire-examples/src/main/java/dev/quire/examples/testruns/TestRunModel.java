package dev.quire.examples.testruns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.CreateDocument;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import java.util.Locale;
import java.util.Set;

/**
 * {@code example/test-run}: a test run with a title, a status and named results. Its {@code global}
 * scope holds {@code {title, status, results: {resultId: {name, outcome}}}}.
 *
 * <p>Actions (all in {@code global}; the input shape in braces):
 *
 * <ul>
 *   <li>creation is Quire's {@code CREATE_DOCUMENT}; {@link #create} fills the initial state;
 *   <li>{@code UPDATE_TEST_RUN {title?, status?}} (at least one);
 *   <li>{@code ADD_RESULT {resultId, name, outcome}} with outcome {@code PASSED|FAILED|SKIPPED};
 *   <li>{@code UPDATE_RESULT {resultId, name?, outcome?}};
 *   <li>{@code DELETE_RESULT {resultId}};
 *   <li>deletion is Quire's {@code DELETE_DOCUMENT}.
 * </ul>
 */
public final class TestRunModel implements DocumentModel {

  public static final String DOCUMENT_TYPE = "example/test-run";

  public static final String UPDATE_TEST_RUN = "UPDATE_TEST_RUN";
  public static final String ADD_RESULT = "ADD_RESULT";
  public static final String UPDATE_RESULT = "UPDATE_RESULT";
  public static final String DELETE_RESULT = "DELETE_RESULT";

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
      case Scopes.GLOBAL -> initialGlobal(null, TestRunStatus.PLANNED);
      case Scopes.LOCAL -> Json.object();
      default -> throw new IllegalArgumentException(DOCUMENT_TYPE + " has no scope " + scope);
    };
  }

  @Override
  public JsonNode reduce(JsonNode state, Action action) {
    ObjectNode next = ((ObjectNode) state).deepCopy();
    switch (action.type()) {
      case UPDATE_TEST_RUN -> {
        String title = optionalText(action, "title");
        TestRunStatus status = optionalEnum(action, "status", TestRunStatus.class);
        if (title == null && status == null) {
          throw invalid(action, "needs title or status");
        }
        if (title != null) {
          next.put("title", title);
        }
        if (status != null) {
          next.put("status", status.name());
        }
      }
      case ADD_RESULT -> {
        String resultId = requiredText(action, "resultId");
        ObjectNode results = next.withObject("/results");
        if (results.has(resultId)) {
          throw invalid(action, "result " + resultId + " already exists");
        }
        ObjectNode result = results.putObject(resultId);
        result.put("name", requiredText(action, "name"));
        result.put("outcome", requiredEnum(action, "outcome", Outcome.class).name());
      }
      case UPDATE_RESULT -> {
        ObjectNode result = existingResult(next, action, requiredText(action, "resultId"));
        String name = optionalText(action, "name");
        Outcome outcome = optionalEnum(action, "outcome", Outcome.class);
        if (name == null && outcome == null) {
          throw invalid(action, "needs name or outcome");
        }
        if (name != null) {
          result.put("name", name);
        }
        if (outcome != null) {
          result.put("outcome", outcome.name());
        }
      }
      case DELETE_RESULT -> {
        String resultId = requiredText(action, "resultId");
        existingResult(next, action, resultId);
        next.withObject("/results").remove(resultId);
      }
      default -> throw new InvalidActionException(action.type(),
          "Unknown action type " + action.type() + " for " + DOCUMENT_TYPE);
    }
    return next;
  }

  // ------------------------------------------------------------------------------ helpers

  /** A new test run with this id and title, status PLANNED. */
  public static CreateDocument create(String id, String title) {
    return CreateDocument.of(DOCUMENT_TYPE, id).withName(title)
        .withInitialState(Scopes.GLOBAL, initialGlobal(title, TestRunStatus.PLANNED));
  }

  /** {@code UPDATE_TEST_RUN}; a null argument leaves that field as it is. */
  public static Action updateTestRun(String title, TestRunStatus status) {
    ObjectNode input = Json.object();
    if (title != null) {
      input.put("title", title);
    }
    if (status != null) {
      input.put("status", status.name());
    }
    return Action.of(UPDATE_TEST_RUN, Scopes.GLOBAL, input);
  }

  public static Action addResult(String resultId, String name, Outcome outcome) {
    ObjectNode input = Json.object().put("resultId", resultId).put("name", name).put("outcome", outcome.name());
    return Action.of(ADD_RESULT, Scopes.GLOBAL, input);
  }

  /** {@code UPDATE_RESULT}; a null argument leaves that field as it is. */
  public static Action updateResult(String resultId, String name, Outcome outcome) {
    ObjectNode input = Json.object().put("resultId", resultId);
    if (name != null) {
      input.put("name", name);
    }
    if (outcome != null) {
      input.put("outcome", outcome.name());
    }
    return Action.of(UPDATE_RESULT, Scopes.GLOBAL, input);
  }

  public static Action deleteResult(String resultId) {
    return Action.of(DELETE_RESULT, Scopes.GLOBAL, Json.object().put("resultId", resultId));
  }

  static ObjectNode initialGlobal(String title, TestRunStatus status) {
    ObjectNode state = Json.object();
    if (title != null) {
      state.put("title", title);
    } else {
      state.putNull("title");
    }
    state.put("status", status.name());
    state.putObject("results");
    return state;
  }

  private static ObjectNode existingResult(ObjectNode state, Action action, String resultId) {
    JsonNode result = state.path("results").get(resultId);
    if (!(result instanceof ObjectNode object)) {
      throw invalid(action, "result " + resultId + " does not exist");
    }
    return object;
  }

  static String requiredText(Action action, String field) {
    String value = optionalText(action, field);
    if (value == null || value.isEmpty()) {
      throw invalid(action, "input." + field + " is required");
    }
    return value;
  }

  static String optionalText(Action action, String field) {
    JsonNode value = action.input().get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid(action, "input." + field + " must be a string");
    }
    return value.textValue();
  }

  static <E extends Enum<E>> E requiredEnum(Action action, String field, Class<E> type) {
    E value = optionalEnum(action, field, type);
    if (value == null) {
      throw invalid(action, "input." + field + " is required");
    }
    return value;
  }

  static <E extends Enum<E>> E optionalEnum(Action action, String field, Class<E> type) {
    String text = optionalText(action, field);
    if (text == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(action, "input." + field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
          + ", got " + text);
    }
  }

  private static InvalidActionException invalid(Action action, String message) {
    return new InvalidActionException(action.type(), action.type() + ": " + message);
  }
}
