package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemActionInputsTest {

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void createDocumentInput_roundTripsThroughJson() {
    CreateDocumentInput input = new CreateDocumentInput(
        "quire/json", "doc-1", "my-doc", "My doc", Map.of("global", json("{\"a\":1}")), 2);

    assertThat(CreateDocumentInput.fromJson(input.toJson())).isEqualTo(input);
    assertThat(input.toJson()).isEqualTo(json(
        "{\"documentType\":\"quire/json\",\"id\":\"doc-1\",\"slug\":\"my-doc\",\"name\":\"My doc\","
            + "\"state\":{\"global\":{\"a\":1}},\"version\":2}"));
  }

  @Test
  void createDocumentInput_optionalFieldsMayBeAbsent() {
    CreateDocumentInput input = CreateDocumentInput.fromJson(json("{\"documentType\":\"t\",\"id\":\"d\"}"));

    assertThat(input).isEqualTo(CreateDocumentInput.of("t", "d"));
    assertThat(input.slug()).isNull();
    assertThat(input.state()).isEmpty();
    assertThat(input.version()).isNull();
  }

  @Test
  void createDocumentInput_invalid_isAnInvalidAction() {
    assertThatThrownBy(() -> CreateDocumentInput.fromJson(json("{\"id\":\"d\"}")))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("documentType");
    assertThatThrownBy(() -> CreateDocumentInput.fromJson(json("{\"documentType\":\"t\",\"id\":7}")))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> CreateDocumentInput.fromJson(
        json("{\"documentType\":\"t\",\"id\":\"d\",\"state\":{\"document\":{}}}")))
        .isInstanceOf(InvalidActionException.class);
    assertThatThrownBy(() -> CreateDocumentInput.fromJson(json("{\"documentType\":\"t\",\"id\":\"d\",\"version\":\"2\"}")))
        .isInstanceOf(InvalidActionException.class);
  }

  @Test
  void upgradeDocumentInput_needsAVersion() {
    assertThat(UpgradeDocumentInput.fromJson(json("{\"version\":3}"))).isEqualTo(new UpgradeDocumentInput(3, null));
    assertThatThrownBy(() -> UpgradeDocumentInput.fromJson(json("{}"))).isInstanceOf(InvalidActionException.class);
  }

  @Test
  void relationshipInput_sourceDefaultsToTheDocument() {
    RelationshipInput input = RelationshipInput.fromJson(
        SystemActions.ADD_RELATIONSHIP, json("{\"targetId\":\"b\",\"relationshipType\":\"child\"}"), "a");

    assertThat(input).isEqualTo(new RelationshipInput("a", "b", "child", null));
    assertThat(RelationshipInput.fromJson(SystemActions.ADD_RELATIONSHIP, input.toJson(), "a")).isEqualTo(input);
  }

  @Test
  void relationshipInput_refusesForeignSourcesSelfEdgesAndMissingFields() {
    String add = SystemActions.ADD_RELATIONSHIP;
    assertThatThrownBy(() -> RelationshipInput.fromJson(
        add, json("{\"sourceId\":\"x\",\"targetId\":\"b\",\"relationshipType\":\"child\"}"), "a"))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("sourceId");
    assertThatThrownBy(() -> RelationshipInput.fromJson(add, json("{\"targetId\":\"a\",\"relationshipType\":\"c\"}"), "a"))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("self");
    assertThatThrownBy(() -> RelationshipInput.fromJson(add, json("{\"targetId\":\"b\"}"), "a"))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("relationshipType");
  }

  @Test
  void relationshipInput_nullMetadataIsNull() {
    RelationshipInput input = RelationshipInput.fromJson(SystemActions.UPDATE_RELATIONSHIP,
        json("{\"targetId\":\"b\",\"relationshipType\":\"child\",\"metadata\":null}"), "a");

    assertThat(input.metadata()).isNull();
  }

  @Test
  void documentScopeState_followsTheDocumentsLife() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Action create = new Action("a1", SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, t0,
        new CreateDocumentInput("t", "d", "s", "n", null, null).toJson(), null);
    JsonNode created = DocumentScopeState.reduce(null, create, 5);
    assertThat(created).isEqualTo(json("{\"id\":\"d\",\"documentType\":\"t\",\"slug\":\"s\",\"name\":\"n\","
        + "\"version\":5,\"createdAt\":\"2026-01-01T00:00:00Z\",\"isDeleted\":false}"));

    Action upgrade = new Action("a2", SystemActions.UPGRADE_DOCUMENT, Scopes.DOCUMENT, t0,
        new UpgradeDocumentInput(6, null).toJson(), null);
    Action delete = new Action("a3", SystemActions.DELETE_DOCUMENT, Scopes.DOCUMENT, t0.plusSeconds(1), null, null);
    JsonNode deleted = DocumentScopeState.reduce(DocumentScopeState.reduce(created, upgrade, 5), delete, 5);

    assertThat(deleted.path("version").asInt()).isEqualTo(6);
    assertThat(deleted.path("isDeleted").asBoolean()).isTrue();
    assertThat(deleted.path("deletedAt").asText()).isEqualTo("2026-01-01T00:00:01Z");
    assertThat(created.path("isDeleted").asBoolean()).as("input not mutated").isFalse();
    assertThatThrownBy(() -> DocumentScopeState.reduce(created, Action.of("OTHER", Scopes.DOCUMENT, null), 5))
        .isInstanceOf(InvalidActionException.class);
  }
}
