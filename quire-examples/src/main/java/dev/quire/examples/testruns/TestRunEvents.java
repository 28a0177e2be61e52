package dev.quire.examples.testruns;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.listener.DomainEventMapper;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import java.util.List;

/**
 * What the operations of {@link TestRunModel} mean: one domain event per operation, read from the
 * action's input (never from the resulting state, which replays do not carry).
 */
public final class TestRunEvents implements DomainEventMapper {

  @Override
  public String documentType() {
    return TestRunModel.DOCUMENT_TYPE;
  }

  @Override
  public List<?> map(OperationWithContext operation) {
    if (operation.operation().error() != null) {
      return List.of(); // recorded but rejected by the reducer: nothing happened
    }
    Action action = operation.operation().action();
    String id = operation.documentId();
    if (operation.scope().equals(Scopes.DOCUMENT)) {
      return switch (action.type()) {
        case SystemActions.CREATE_DOCUMENT -> List.of(created(id, CreateDocumentInput.fromJson(action.input())));
        case SystemActions.DELETE_DOCUMENT -> List.of(new TestRunDeleted(id));
        default -> List.of(); // upgrades and relationships mean nothing to a test run
      };
    }
    return switch (action.type()) {
      case TestRunModel.UPDATE_TEST_RUN -> List.of(new TestRunUpdated(id,
          TestRunModel.optionalText(action, "title"),
          TestRunModel.optionalEnum(action, "status", TestRunStatus.class)));
      case TestRunModel.ADD_RESULT -> List.of(new TestRunResultCreated(id,
          TestRunModel.requiredText(action, "resultId"),
          TestRunModel.requiredText(action, "name"),
          TestRunModel.requiredEnum(action, "outcome", Outcome.class)));
      case TestRunModel.UPDATE_RESULT -> List.of(new TestRunResultUpdated(id,
          TestRunModel.requiredText(action, "resultId"),
          TestRunModel.optionalText(action, "name"),
          TestRunModel.optionalEnum(action, "outcome", Outcome.class)));
      case TestRunModel.DELETE_RESULT -> List.of(new TestRunResultDeleted(id,
          TestRunModel.requiredText(action, "resultId")));
      default -> List.of();
    };
  }

  private static TestRunCreated created(String id, CreateDocumentInput input) {
    JsonNode global = input.state().get(Scopes.GLOBAL);
    String title = global != null && global.path("title").isTextual() ? global.get("title").textValue() : input.name();
    TestRunStatus status = TestRunStatus.PLANNED;
    if (global != null && global.path("status").isTextual()) {
      status = TestRunStatus.valueOf(global.get("status").textValue());
    }
    return new TestRunCreated(id, title, status);
  }
}
