package dev.quire.model.builtin;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code quire/json}: a schemaless document whose {@code global} and {@code local} scopes each hold
 * a JSON object, starting from {@code {}}.
 *
 * <p>Actions (the {@code input} shape in braces):
 *
 * <ul>
 *   <li>{@code SET {path, value}}: puts {@code value} at the JSON pointer {@code path}, creating
 *       missing parents as objects; {@code ""} replaces the whole state (which must stay an object).
 *       An array index may name an existing element or the end ({@code -} or the length) to append.
 *   <li>{@code MERGE {patch}}: applies an RFC 7386 merge patch (an object; {@code null} deletes).
 *   <li>{@code PATCH {operations}}: applies an RFC 6902 JSON patch; any failing operation, including
 *       a failing {@code test}, rejects the whole action.
 *   <li>{@code DELETE_PATH {path}}: removes the value at {@code path}, which must exist.
 * </ul>
 *
 * <p>The reducer never mutates the state or the action it is given. Invalid input is rejected with
 * an {@link InvalidActionException} whose message names the action and the offending field.
 */
public final class JsonDocumentModel implements DocumentModel {

  public static final String DOCUMENT_TYPE = "quire/json";

  public static final String SET = "SET";
  public static final String MERGE = "MERGE";
  public static final String PATCH = "PATCH";
  public static final String DELETE_PATH = "DELETE_PATH";

  /**
   * Compiled paths, which are immutable: a workload names the same few paths again and again
   * (JMH {@code ReducerBenchmark.reduce}, 5 fields: 110 ns without, 96 ns with). The first
   * {@value #POINTERS_KEPT} distinct paths are kept; later ones are compiled each time, so arbitrary
   * paths cannot grow it.
   */
  private static final int POINTERS_KEPT = 1024;

  private static final Map<String, JsonPointer> POINTERS = new ConcurrentHashMap<>();

  // RFC 6902 says removing a missing member is an error; zjsonpatch only enforces that with this flag.
  private static final EnumSet<CompatibilityFlags> PATCH_FLAGS =
      EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

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
    if (!scopes().contains(scope)) {
      throw new IllegalArgumentException(DOCUMENT_TYPE + " has no scope " + scope);
    }
    return Json.object();
  }

  @Override
  public JsonNode reduce(JsonNode state, Action action) {
    return switch (action.type()) {
      case SET -> set(state, action.input());
      case MERGE -> merge(state, action.input());
      case PATCH -> patch(state, action.input());
      case DELETE_PATH -> deletePath(state, action.input());
      default -> throw new InvalidActionException(
          action.type(), "Unknown action type " + action.type() + " for " + DOCUMENT_TYPE);
    };
  }

  private static JsonNode set(JsonNode state, JsonNode input) {
    requireInputObject(SET, input, "{path, value}");
    JsonPointer pointer = pointer(SET, input);
    if (!input.has("value")) {
      throw invalid(SET, "SET: input.value is required");
    }
    JsonNode value = input.get("value").deepCopy();
    if (pointer.matches()) {
      if (!value.isObject()) {
        throw invalid(SET, "SET: input.value must be an object when input.path is \"\" (a state is an object)");
      }
      return value;
    }
    ObjectNode root = copyOf(SET, state);
    String path = input.get("path").textValue();
    JsonNode parent = root;
    JsonPointer rest = pointer;
    while (!rest.tail().matches()) {
      JsonNode child = child(parent, rest);
      if (child == null) {
        if (!parent.isObject()) {
          throw invalid(SET, "SET: " + location(path, rest) + " does not exist (parents are only created in objects)");
        }
        child = ((ObjectNode) parent).putObject(rest.getMatchingProperty());
      } else if (!child.isContainerNode()) {
        throw invalid(SET, "SET: cannot set " + path + ": " + location(path, rest) + " is "
            + describe(child) + ", not an object or array");
      }
      parent = child;
      rest = rest.tail();
    }
    put(path, parent, rest, value);
    return root;
  }

  private static void put(String path, JsonNode parent, JsonPointer last, JsonNode value) {
    if (parent instanceof ObjectNode object) {
      object.set(last.getMatchingProperty(), value);
      return;
    }
    ArrayNode array = (ArrayNode) parent;
    String token = last.getMatchingProperty();
    int index = last.getMatchingIndex();
    if ("-".equals(token) || index == array.size()) {
      array.add(value);
    } else if (index >= 0 && index < array.size()) {
      array.set(index, value);
    } else {
      throw invalid(SET, "SET: " + path + " is not an index of an array of " + array.size()
          + " elements (use 0.." + array.size() + " or -)");
    }
  }

  private static JsonNode merge(JsonNode state, JsonNode input) {
    requireInputObject(MERGE, input, "{patch}");
    JsonNode patch = input.get("patch");
    if (patch == null || !patch.isObject()) {
      throw invalid(MERGE, "MERGE: input.patch must be an object (an RFC 7386 merge patch), got " + describe(patch));
    }
    return mergePatch(copyOf(MERGE, state), patch);
  }

  /** RFC 7386 section 2, applied in place to {@code target}, which the caller owns. */
  private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target instanceof ObjectNode object ? object : Json.object();
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      if (entry.getValue().isNull()) {
        result.remove(entry.getKey());
      } else {
        JsonNode current = result.get(entry.getKey());
        result.set(entry.getKey(), mergePatch(current == null ? Json.object() : current, entry.getValue()));
      }
    }
    return result;
  }

  private static JsonNode patch(JsonNode state, JsonNode input) {
    requireInputObject(PATCH, input, "{operations}");
    JsonNode operations = input.get("operations");
    if (operations == null || !operations.isArray()) {
      throw invalid(PATCH, "PATCH: input.operations must be an array (an RFC 6902 JSON patch), got "
          + describe(operations));
    }
    requireObjectState(PATCH, state);
    JsonNode result;
    try {
      // apply() works on its own deep copy of the state.
      result = JsonPatch.apply(operations, state, PATCH_FLAGS);
    } catch (JsonPatchApplicationException e) {
      throw new InvalidActionException(PATCH, "PATCH: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new InvalidActionException(PATCH, "PATCH: invalid path: " + e.getMessage(), e);
    }
    if (!result.isObject()) {
      throw invalid(PATCH, "PATCH: the patched state must be an object, got " + describe(result));
    }
    return result;
  }

  private static JsonNode deletePath(JsonNode state, JsonNode input) {
    requireInputObject(DELETE_PATH, input, "{path}");
    JsonPointer pointer = pointer(DELETE_PATH, input);
    if (pointer.matches()) {
      throw invalid(DELETE_PATH, "DELETE_PATH: input.path \"\" would delete the whole state; use SET with path \"\"");
    }
    String path = input.get("path").textValue();
    ObjectNode root = copyOf(DELETE_PATH, state);
    JsonNode parent = root;
    JsonPointer rest = pointer;
    while (!rest.tail().matches()) {
      parent = child(parent, rest);
      if (parent == null) {
        throw invalid(DELETE_PATH, "DELETE_PATH: nothing at " + path + " (" + location(path, rest) + " does not exist)");
      }
      rest = rest.tail();
    }
    boolean removed = false;
    if (parent instanceof ObjectNode object) {
      removed = object.remove(rest.getMatchingProperty()) != null;
    } else if (parent instanceof ArrayNode array) {
      int index = rest.getMatchingIndex();
      if (index >= 0 && index < array.size()) {
        array.remove(index);
        removed = true;
      }
    }
    if (!removed) {
      throw invalid(DELETE_PATH, "DELETE_PATH: nothing at " + path);
    }
    return root;
  }

  /** The child the first segment of {@code pointer} names in {@code parent}, or null. */
  private static JsonNode child(JsonNode parent, JsonPointer pointer) {
    if (parent.isObject()) {
      return parent.get(pointer.getMatchingProperty());
    }
    if (parent.isArray()) {
      int index = pointer.getMatchingIndex();
      return index >= 0 && index < parent.size() ? parent.get(index) : null;
    }
    return null;
  }

  /** The prefix of {@code path} up to and including the first segment of {@code rest}. */
  private static String location(String path, JsonPointer rest) {
    return path.substring(0, path.length() - rest.tail().toString().length());
  }

  private static JsonPointer pointer(String actionType, JsonNode input) {
    JsonNode path = input.get("path");
    if (path == null || !path.isTextual()) {
      throw invalid(actionType, actionType + ": input.path must be a JSON pointer string, got " + describe(path));
    }
    JsonPointer known = POINTERS.get(path.textValue());
    if (known != null) {
      return known;
    }
    try {
      JsonPointer compiled = JsonPointer.compile(path.textValue());
      if (POINTERS.size() < POINTERS_KEPT) {
        POINTERS.putIfAbsent(path.textValue(), compiled);
      }
      return compiled;
    } catch (IllegalArgumentException e) {
      throw new InvalidActionException(actionType,
          actionType + ": input.path must be a JSON pointer (\"\" or starting with /), got \"" + path.textValue() + "\"", e);
    }
  }

  private static void requireInputObject(String actionType, JsonNode input, String shape) {
    if (input == null || !input.isObject()) {
      throw invalid(actionType, actionType + ": input must be an object " + shape + ", got " + describe(input));
    }
  }

  private static void requireObjectState(String actionType, JsonNode state) {
    if (state == null || !state.isObject()) {
      throw invalid(actionType, actionType + ": the state must be an object, got " + describe(state));
    }
  }

  private static ObjectNode copyOf(String actionType, JsonNode state) {
    requireObjectState(actionType, state);
    return ((ObjectNode) state).deepCopy();
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static InvalidActionException invalid(String actionType, String message) {
    return new InvalidActionException(actionType, message);
  }
}
