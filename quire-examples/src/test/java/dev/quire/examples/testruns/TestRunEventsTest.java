package dev.quire.examples.testruns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.CreateDocument;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestRunEventsTest {

  private final TestRunModel model = new TestRunModel();
  private final TestRunEvents events = new TestRunEvents();

  private static OperationWithContext op(String scope, Action action, long index) {
    Operation operation = new Operation("op-" + index, index, 0, Instant.EPOCH, "h", action, null);
    return new OperationWithContext(operation, "run-1", TestRunModel.DOCUMENT_TYPE, scope, "main", index + 1, null);
  }

  private List<Object> map(OperationWithContext operation) {
    return List.copyOf(events.map(operation));
  }

  @Test
  void eachActionMapsToItsDomainEvent() {
    CreateDocument create = TestRunModel.create("run-1", "Nightly");
    JsonNode createInput = new CreateDocumentInput(create.documentType(), "run-1", null, create.name(),
        create.initialState(), null).toJson();

    assertThat(map(op(Scopes.DOCUMENT, Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, createInput), 0)))
        .containsExactly(new TestRunCreated("run-1", "Nightly", TestRunStatus.PLANNED));
    assertThat(map(op(Scopes.GLOBAL, TestRunModel.updateTestRun(null, TestRunStatus.RUNNING), 0)))
        .containsExactly(new TestRunUpdated("run-1", null, TestRunStatus.RUNNING));
    assertThat(map(op(Scopes.GLOBAL, TestRunModel.addResult("r1", "login", Outcome.FAILED), 1)))
        .containsExactly(new TestRunResultCreated("run-1", "r1", "login", Outcome.FAILED));
    assertThat(map(op(Scopes.GLOBAL, TestRunModel.updateResult("r1", null, Outcome.PASSED), 2)))
        .containsExactly(new TestRunResultUpdated("run-1", "r1", null, Outcome.PASSED));
    assertThat(map(op(Scopes.GLOBAL, TestRunModel.deleteResult("r1"), 3)))
        .containsExactly(new TestRunResultDeleted("run-1", "r1"));
    assertThat(map(op(Scopes.DOCUMENT,
        Action.of(SystemActions.DELETE_DOCUMENT, Scopes.DOCUMENT, Json.object().put("documentId", "run-1")), 1)))
        .containsExactly(new TestRunDeleted("run-1"));
  }

  @Test
  void rejectedOperationsAndRelationshipsMeanNothing() {
    Action add = TestRunModel.addResult("r1", "login", Outcome.FAILED);
    Operation rejected = new Operation("op", 0, 0, Instant.EPOCH, "h", add, "result r1 already exists");
    assertThat(map(new OperationWithContext(rejected, "run-1", TestRunModel.DOCUMENT_TYPE, Scopes.GLOBAL,
        "main", 1, null))).isEmpty();
    assertThat(map(op(Scopes.DOCUMENT, Action.of(SystemActions.ADD_RELATIONSHIP, Scopes.DOCUMENT,
        Json.object()), 1))).isEmpty();
  }

  @Test
  void reducer_keepsResultsAndRejectsBadInput() {
    JsonNode state = model.initialState(Scopes.GLOBAL);
    state = model.reduce(state, TestRunModel.addResult("r1", "login", Outcome.PASSED));
    state = model.reduce(state, TestRunModel.updateResult("r1", null, Outcome.FAILED));
    assertThat(state.at("/results/r1/outcome").asText()).isEqualTo("FAILED");

    JsonNode current = state;
    assertThatThrownBy(() -> model.reduce(current, TestRunModel.addResult("r1", "again", Outcome.PASSED)))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("already exists");
    assertThatThrownBy(() -> model.reduce(current, TestRunModel.deleteResult("nope")))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> model.reduce(current, Action.of(TestRunModel.UPDATE_TEST_RUN, Scopes.GLOBAL,
        Json.object().put("status", "DONE"))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("status must be one of");
    assertThat(model.reduce(current, TestRunModel.deleteResult("r1")).at("/results").size()).isZero();
    assertThat(List.of(current.at("/status").asText())).containsExactly("PLANNED");
  }
}
