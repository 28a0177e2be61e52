package dev.quire.model.builtin;

import static dev.quire.model.builtin.JsonDocumentModelTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Action;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Scopes;
import org.junit.jupiter.api.Test;

class DriveDocumentModelTest {

  private final DriveDocumentModel model = new DriveDocumentModel();

  @Test
  void initialState_globalHoldsEmptyMetadataAndLocalIsEmpty() {
    assertThat(model.documentType()).isEqualTo("quire/drive");
    assertThat(model.initialState(Scopes.GLOBAL)).isEqualTo(json("{\"name\":\"\",\"description\":\"\"}"));
    assertThat(model.initialState(Scopes.LOCAL)).isEqualTo(json("{}"));
    assertThatThrownBy(() -> model.initialState("other")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void setName_replacesTheName() {
    JsonNode state = model.initialState(Scopes.GLOBAL);

    JsonNode next = model.reduce(state, action("SET_NAME", "{\"name\":\"Team drive\"}"));

    assertThat(next).isEqualTo(json("{\"name\":\"Team drive\",\"description\":\"\"}"));
    assertThat(state).isEqualTo(json("{\"name\":\"\",\"description\":\"\"}"));
  }

  @Test
  void setDescription_replacesTheDescription() {
    JsonNode next = model.reduce(model.initialState(Scopes.GLOBAL), action("SET_DESCRIPTION", "{\"description\":\"Specs\"}"));

    assertThat(next.get("description").textValue()).isEqualTo("Specs");
  }

  @Test
  void setDescription_null_clearsIt() {
    JsonNode state = json("{\"name\":\"d\",\"description\":\"old\"}");

    JsonNode next = model.reduce(state, action("SET_DESCRIPTION", "{\"description\":null}"));

    assertThat(next).isEqualTo(json("{\"name\":\"d\",\"description\":\"\"}"));
  }

  @Test
  void setName_withoutAString_isRejected() {
    assertThatThrownBy(() -> model.reduce(model.initialState(Scopes.GLOBAL), action("SET_NAME", "{\"name\":null}")))
        .isInstanceOf(InvalidActionException.class)
        .hasMessage("SET_NAME: input.name must be a string");
    assertThatThrownBy(() -> model.reduce(model.initialState(Scopes.GLOBAL), action("SET_NAME", "{}")))
        .hasMessage("SET_NAME: input.name must be a string");
    assertThatThrownBy(() -> model.reduce(model.initialState(Scopes.GLOBAL), action("SET_DESCRIPTION", "{\"description\":1}")))
        .hasMessage("SET_DESCRIPTION: input.description must be a string or null");
  }

  @Test
  void actionsOnTheLocalScope_areRejected() {
    Action local = Action.of("SET_NAME", Scopes.LOCAL, json("{\"name\":\"x\"}"));

    assertThatThrownBy(() -> model.reduce(json("{}"), local))
        .isInstanceOf(InvalidActionException.class)
        .hasMessage("SET_NAME: applies to scope global, not local");
  }

  @Test
  void unknownAction_isRejected() {
    assertThatThrownBy(() -> model.reduce(json("{}"), action("ADD_FOLDER", "{}")))
        .isInstanceOfSatisfying(InvalidActionException.class, e -> assertThat(e.actionType()).isEqualTo("ADD_FOLDER"))
        .hasMessage("Unknown action type ADD_FOLDER for quire/drive");
  }

  private static Action action(String type, String input) {
    return Action.of(type, Scopes.GLOBAL, json(input));
  }
}
