package dev.quire.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Action;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Scopes;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDocumentModelTest {

  private final JsonDocumentModel model = new JsonDocumentModel();

  @Test
  void initialState_isAFreshEmptyObjectPerScope() {
    JsonNode global = model.initialState(Scopes.GLOBAL);
    JsonNode local = model.initialState(Scopes.LOCAL);

    assertThat(global).isEqualTo(Json.object());
    assertThat(local).isEqualTo(Json.object());
    ((ObjectNode) global).put("changed", true);
    assertThat(model.initialState(Scopes.GLOBAL)).isEqualTo(Json.object());
  }

  @Test
  void initialState_unknownScope_isRejected() {
    assertThatThrownBy(() -> model.initialState("auth")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void documentTypeAndScopes() {
    assertThat(model.documentType()).isEqualTo("quire/json");
    assertThat(model.scopes()).containsExactlyInAnyOrder(Scopes.GLOBAL, Scopes.LOCAL);
  }

  @Test
  void reduce_unknownActionType_isRejected() {
    assertInvalid("{}", "FOO", "{}", "Unknown action type FOO for quire/json");
  }

  @Nested
  class Set {

    @Test
    void set_topLevelField() {
      assertThat(reduce("{\"a\":1}", "SET", "{\"path\":\"/b\",\"value\":\"x\"}")).isEqualTo(json("{\"a\":1,\"b\":\"x\"}"));
    }

    @Test
    void set_nestedPath_createsMissingParentsAsObjects() {
      assertThat(reduce("{\"a\":{\"keep\":true}}", "SET", "{\"path\":\"/a/b/c\",\"value\":[1]}"))
          .isEqualTo(json("{\"a\":{\"keep\":true,\"b\":{\"c\":[1]}}}"));
    }

    @Test
    void set_existingField_isReplaced() {
      assertThat(reduce("{\"a\":{\"b\":1}}", "SET", "{\"path\":\"/a\",\"value\":2}")).isEqualTo(json("{\"a\":2}"));
    }

    @Test
    void set_nullValue_isStored() {
      assertThat(reduce("{\"a\":1}", "SET", "{\"path\":\"/a\",\"value\":null}")).isEqualTo(json("{\"a\":null}"));
    }

    @Test
    void set_emptyPath_replacesTheWholeState() {
      assertThat(reduce("{\"a\":1}", "SET", "{\"path\":\"\",\"value\":{\"b\":2}}")).isEqualTo(json("{\"b\":2}"));
    }

    @Test
    void set_emptyPathWithNonObject_isRejected() {
      assertInvalid("{}", "SET", "{\"path\":\"\",\"value\":[1]}",
          "SET: input.value must be an object when input.path is \"\" (a state is an object)");
    }

    @Test
    void set_escapedPointerTokens_nameKeysWithSlashAndTilde() {
      assertThat(reduce("{}", "SET", "{\"path\":\"/a~1b/c~0d\",\"value\":1}")).isEqualTo(json("{\"a/b\":{\"c~d\":1}}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/arr/1 | {\"arr\":[1,9,3]}",
        "/arr/3 | {\"arr\":[1,2,3,9]}",
        "/arr/- | {\"arr\":[1,2,3,9]}",
        "/arr/0/x | {\"arr\":[{\"x\":9},2,3]}"})
    void set_arrayIndex_replacesOrAppends(String path, String expected) {
      String state = path.equals("/arr/0/x") ? "{\"arr\":[{},2,3]}" : "{\"arr\":[1,2,3]}";
      assertThat(reduce(state, "SET", "{\"path\":\"" + path + "\",\"value\":9}")).isEqualTo(json(expected));
    }

    @Test
    void set_arrayIndexBeyondTheEnd_isRejected() {
      assertInvalid("{\"arr\":[1]}", "SET", "{\"path\":\"/arr/5\",\"value\":9}",
          "SET: /arr/5 is not an index of an array of 1 elements (use 0..1 or -)");
    }

    @Test
    void set_missingArrayElementAsParent_isRejected() {
      assertInvalid("{\"arr\":[]}", "SET", "{\"path\":\"/arr/0/x\",\"value\":9}",
          "SET: /arr/0 does not exist (parents are only created in objects)");
    }

    @Test
    void set_throughAScalar_isRejected() {
      assertInvalid("{\"a\":{\"b\":\"text\"}}", "SET", "{\"path\":\"/a/b/c\",\"value\":1}",
          "SET: cannot set /a/b/c: /a/b is a string, not an object or array");
    }

    @Test
    void set_missingPath_isRejected() {
      assertInvalid("{}", "SET", "{\"value\":1}", "SET: input.path must be a JSON pointer string, got nothing");
    }

    @Test
    void set_nonStringPath_isRejected() {
      assertInvalid("{}", "SET", "{\"path\":3,\"value\":1}", "SET: input.path must be a JSON pointer string, got a number");
    }

    @Test
    void set_pathWithoutLeadingSlash_isRejected() {
      assertInvalid("{}", "SET", "{\"path\":\"a/b\",\"value\":1}",
          "SET: input.path must be a JSON pointer (\"\" or starting with /), got \"a/b\"");
    }

    @Test
    void set_missingValue_isRejected() {
      assertInvalid("{}", "SET", "{\"path\":\"/a\"}", "SET: input.value is required");
    }

    @Test
    void set_inputNotAnObject_isRejected() {
      assertInvalid("{}", "SET", "\"/a\"", "SET: input must be an object {path, value}, got a string");
    }

    @Test
    void set_resultDoesNotShareNodesWithTheInput() {
      JsonNode input = json("{\"path\":\"/a\",\"value\":{\"n\":1}}");
      Action action = action("SET", input);

      ObjectNode result = (ObjectNode) model.reduce(json("{}"), action);
      ((ObjectNode) result.get("a")).put("n", 2);

      assertThat(input).isEqualTo(json("{\"path\":\"/a\",\"value\":{\"n\":1}}"));
    }

    @Test
    void set_pathsSeenBefore_andPastWhatIsKeptCompiled_eachSetTheirOwnField() {
      // Compiled paths are kept (up to a bound): every path, seen before or not, kept or not, sets its own field.
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 1_500; i++) {
          String path = "/f" + i + "/g";
          assertThat(reduce("{}", "SET", "{\"path\":\"" + path + "\",\"value\":" + i + "}"))
              .isEqualTo(json("{\"f" + i + "\":{\"g\":" + i + "}}"));
        }
      }
      assertInvalid("{}", "SET", "{\"path\":\"f0/g\",\"value\":1}",
          "SET: input.path must be a JSON pointer (\"\" or starting with /), got \"f0/g\"");
    }
  }

  @Nested
  class Merge {

    @Test
    void merge_addsReplacesAndDeletesRecursively() {
      String state = "{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"},\"keep\":1}";
      String input = "{\"patch\":{\"a\":\"z\",\"c\":{\"f\":null,\"h\":\"i\"},\"new\":{\"x\":null,\"y\":1}}}";

      assertThat(reduce(state, "MERGE", input))
          .isEqualTo(json("{\"a\":\"z\",\"c\":{\"d\":\"e\",\"h\":\"i\"},\"keep\":1,\"new\":{\"y\":1}}"));
    }

    @Test
    void merge_replacesArraysAndScalarsWhole() {
      assertThat(reduce("{\"arr\":[1,2],\"s\":\"x\"}", "MERGE", "{\"patch\":{\"arr\":[3],\"s\":{\"o\":1}}}"))
          .isEqualTo(json("{\"arr\":[3],\"s\":{\"o\":1}}"));
    }

    @Test
    void merge_emptyPatch_changesNothing() {
      assertThat(reduce("{\"a\":1}", "MERGE", "{\"patch\":{}}")).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void merge_nonObjectPatch_isRejected() {
      assertInvalid("{}", "MERGE", "{\"patch\":[1]}", "MERGE: input.patch must be an object (an RFC 7386 merge patch), got an array");
    }

    @Test
    void merge_missingPatch_isRejected() {
      assertInvalid("{}", "MERGE", "{}", "MERGE: input.patch must be an object (an RFC 7386 merge patch), got nothing");
    }
  }

  @Nested
  class Patch {

    @Test
    void patch_appliesOperationsInOrder() {
      String ops = "{\"operations\":["
          + "{\"op\":\"add\",\"path\":\"/list\",\"value\":[1]},"
          + "{\"op\":\"add\",\"path\":\"/list/-\",\"value\":2},"
          + "{\"op\":\"replace\",\"path\":\"/a\",\"value\":\"new\"},"
          + "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},"
          + "{\"op\":\"move\",\"from\":\"/gone\",\"path\":\"/moved\"},"
          + "{\"op\":\"remove\",\"path\":\"/drop\"},"
          + "{\"op\":\"test\",\"path\":\"/b\",\"value\":\"new\"}]}";

      assertThat(reduce("{\"a\":\"old\",\"gone\":3,\"drop\":true}", "PATCH", ops))
          .isEqualTo(json("{\"a\":\"new\",\"b\":\"new\",\"list\":[1,2],\"moved\":3}"));
    }

    @Test
    void patch_failingTest_rejectsTheWholePatch() {
      String ops = "{\"operations\":[{\"op\":\"add\",\"path\":\"/x\",\"value\":1},"
          + "{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]}";

      assertInvalid("{\"a\":1}", "PATCH", ops, "PATCH: [TEST Operation] Expected value 2 but found value 1 at /a");
    }

    @Test
    void patch_removingAMissingMember_isRejected() {
      assertInvalid("{}", "PATCH", "{\"operations\":[{\"op\":\"remove\",\"path\":\"/x\"}]}",
          "PATCH: [REMOVE Operation] Missing field x at root");
    }

    @Test
    void patch_unknownOperation_isRejected() {
      assertInvalid("{}", "PATCH", "{\"operations\":[{\"op\":\"frob\",\"path\":\"/x\"}]}",
          "PATCH: unknown / unsupported operation frob");
    }

    @Test
    void patch_invalidPath_isRejected() {
      assertInvalid("{}", "PATCH", "{\"operations\":[{\"op\":\"add\",\"path\":\"x\",\"value\":1}]}",
          "PATCH: invalid path: Missing leading slash");
    }

    @Test
    void patch_operationsNotAnArray_isRejected() {
      assertInvalid("{}", "PATCH", "{\"operations\":{}}",
          "PATCH: input.operations must be an array (an RFC 6902 JSON patch), got an object");
    }

    @Test
    void patch_replacingTheRootWithANonObject_isRejected() {
      assertInvalid("{}", "PATCH", "{\"operations\":[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]}",
          "PATCH: the patched state must be an object, got an array");
    }

    @Test
    void patch_replacingTheRootWithAnObject_replacesTheState() {
      assertThat(reduce("{\"a\":1}", "PATCH", "{\"operations\":[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]}"))
          .isEqualTo(json("{\"b\":2}"));
    }
  }

  @Nested
  class DeletePath {

    @Test
    void deletePath_removesANestedMember() {
      assertThat(reduce("{\"a\":{\"b\":1,\"c\":2}}", "DELETE_PATH", "{\"path\":\"/a/b\"}"))
          .isEqualTo(json("{\"a\":{\"c\":2}}"));
    }

    @Test
    void deletePath_removesAnArrayElement() {
      assertThat(reduce("{\"arr\":[1,2,3]}", "DELETE_PATH", "{\"path\":\"/arr/1\"}")).isEqualTo(json("{\"arr\":[1,3]}"));
    }

    @Test
    void deletePath_missingMember_isRejected() {
      assertInvalid("{\"a\":{}}", "DELETE_PATH", "{\"path\":\"/a/b\"}", "DELETE_PATH: nothing at /a/b");
    }

    @Test
    void deletePath_missingParent_isRejected() {
      assertInvalid("{}", "DELETE_PATH", "{\"path\":\"/a/b\"}", "DELETE_PATH: nothing at /a/b (/a does not exist)");
    }

    @Test
    void deletePath_root_isRejected() {
      assertInvalid("{\"a\":1}", "DELETE_PATH", "{\"path\":\"\"}",
          "DELETE_PATH: input.path \"\" would delete the whole state; use SET with path \"\"");
    }

    @Test
    void deletePath_missingPath_isRejected() {
      assertInvalid("{}", "DELETE_PATH", "{}", "DELETE_PATH: input.path must be a JSON pointer string, got nothing");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SET | {\"path\":\"/a/b\",\"value\":{\"n\":1}}",
      "SET | {\"path\":\"\",\"value\":{\"n\":1}}",
      "MERGE | {\"patch\":{\"a\":{\"x\":null,\"y\":2},\"c\":null}}",
      "PATCH | {\"operations\":[{\"op\":\"add\",\"path\":\"/a/z\",\"value\":1},{\"op\":\"remove\",\"path\":\"/c\"}]}",
      "DELETE_PATH | {\"path\":\"/a/x\"}"})
  void reduce_neverMutatesTheStateOrTheInput(String type, String inputJson) {
    String stateJson = "{\"a\":{\"x\":1},\"c\":[1,2]}";
    JsonNode state = json(stateJson);
    JsonNode input = json(inputJson);

    JsonNode result = model.reduce(state, action(type, input));

    assertThat(state).isEqualTo(json(stateJson));
    assertThat(input).isEqualTo(json(inputJson));
    assertThat(result).isNotSameAs(state).isNotEqualTo(state);
  }

  @Test
  void reduce_rejectedAction_leavesTheStateUntouched() {
    JsonNode state = json("{\"a\":1}");

    assertThatThrownBy(() -> model.reduce(state, action("PATCH",
            json("{\"operations\":[{\"op\":\"add\",\"path\":\"/b\",\"value\":1},{\"op\":\"test\",\"path\":\"/a\",\"value\":9}]}"))))
        .isInstanceOf(InvalidActionException.class);

    assertThat(state).isEqualTo(json("{\"a\":1}"));
  }

  private JsonNode reduce(String state, String type, String input) {
    return model.reduce(json(state), action(type, json(input)));
  }

  private void assertInvalid(String state, String type, String input, String message) {
    assertThatThrownBy(() -> reduce(state, type, input))
        .isInstanceOfSatisfying(InvalidActionException.class, e -> assertThat(e.actionType()).isEqualTo(type))
        .hasMessage(message);
  }

  static Action action(String type, JsonNode input) {
    return Action.of(type, Scopes.GLOBAL, input);
  }

  static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
