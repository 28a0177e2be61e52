package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.builtin.DriveDocumentModel;
import dev.quire.model.builtin.JsonDocumentModel;
import org.junit.jupiter.api.Test;

class DocumentModelRegistryTest {

  @Test
  void discovered_findsTheBuiltInModelsThroughServiceLoader() {
    DocumentModelRegistry registry = DocumentModelRegistry.discovered();

    assertThat(registry.types()).contains("quire/json", "quire/drive");
    assertThat(registry.get("quire/json")).isInstanceOf(JsonDocumentModel.class);
    assertThat(registry.get("quire/drive")).isInstanceOf(DriveDocumentModel.class);
  }

  @Test
  void of_holdsOnlyTheRegisteredModels() {
    DocumentModelRegistry registry = DocumentModelRegistry.of(new FakeModel("a/one"), new FakeModel("a/two"));

    assertThat(registry.types()).containsExactly("a/one", "a/two");
    assertThat(registry.find("quire/json")).isEmpty();
  }

  @Test
  void types_areSorted() {
    DocumentModelRegistry registry =
        DocumentModelRegistry.of(new FakeModel("c"), new FakeModel("a"), new FakeModel("b"));

    assertThat(registry.types()).containsExactly("a", "b", "c");
  }

  @Test
  void get_unknownType_throwsUnknownDocumentType() {
    DocumentModelRegistry registry = DocumentModelRegistry.of(new FakeModel("a/one"));

    assertThatThrownBy(() -> registry.get("a/missing"))
        .isInstanceOfSatisfying(UnknownDocumentTypeException.class,
            e -> assertThat(e.documentType()).isEqualTo("a/missing"))
        .hasMessageContaining("a/missing");
  }

  @Test
  void find_returnsTheModelOrEmpty() {
    FakeModel model = new FakeModel("a/one");
    DocumentModelRegistry registry = DocumentModelRegistry.of(model);

    assertThat(registry.find("a/one")).containsSame(model);
    assertThat(registry.find("a/two")).isEmpty();
  }

  @Test
  void build_duplicateType_namesBothClasses() {
    DocumentModelRegistry.Builder builder =
        DocumentModelRegistry.builder().register(new FakeModel("quire/json"), new OtherFakeModel("quire/json"));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quire/json")
        .hasMessageContaining(FakeModel.class.getName())
        .hasMessageContaining(OtherFakeModel.class.getName());
  }

  @Test
  void build_registeredModelClashingWithADiscoveredOne_namesBothClasses() {
    DocumentModelRegistry.Builder builder =
        DocumentModelRegistry.builder().register(new FakeModel("quire/json")).discover();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(FakeModel.class.getName())
        .hasMessageContaining(JsonDocumentModel.class.getName());
  }

  @Test
  void build_registeredInstanceOfADiscoveredClass_keepsTheRegisteredInstance() {
    JsonDocumentModel mine = new JsonDocumentModel();

    DocumentModelRegistry registry = DocumentModelRegistry.builder().register(mine).discover().build();

    assertThat(registry.get("quire/json")).isSameAs(mine);
    assertThat(registry.types()).contains("quire/drive");
  }

  @Test
  void build_modelWithoutType_isRejected() {
    assertThatThrownBy(() -> DocumentModelRegistry.of(new FakeModel("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(FakeModel.class.getName());
  }

  private static class FakeModel implements DocumentModel {

    private final String type;

    FakeModel(String type) {
      this.type = type;
    }

    @Override
    public String documentType() {
      return type;
    }

    @Override
    public JsonNode initialState(String scope) {
      return Json.object();
    }

    @Override
    public JsonNode reduce(JsonNode state, Action action) {
      return state;
    }
  }

  private static final class OtherFakeModel extends FakeModel {

    OtherFakeModel(String type) {
      super(type);
    }
  }
}
