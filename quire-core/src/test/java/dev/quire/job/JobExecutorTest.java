package dev.quire.job;

import static dev.quire.job.JobTestSupport.addChild;
import static dev.quire.job.JobTestSupport.create;
import static dev.quire.job.JobTestSupport.delete;
import static dev.quire.job.JobTestSupport.job;
import static dev.quire.job.JobTestSupport.relationship;
import static dev.quire.job.JobTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.DocumentDeletedException;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Ids;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.StateHash;
import dev.quire.model.SystemActions;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationFilter;
import dev.quire.store.PageRequest;
import dev.quire.store.RevisionMismatchException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobExecutorTest {

  private final InMemoryOperationStore store = new InMemoryOperationStore();
  private final DocumentModelRegistry models = DocumentModelRegistry.of(new JsonDocumentModel());
  private final JobExecutor executor = new JobExecutor(store, models);

  private List<Operation> stored(String documentId, String scope) {
    return store.getSince(StreamKey.of(documentId, scope, "main"), -1, OperationFilter.NONE, PageRequest.first(1000))
        .items();
  }

  @Test
  void readCoordinates_ofAWriteOutsideTheDocumentScope_includeTheDocumentScopesLatestOperation() {
    executor.execute(job("doc", create("doc")));
    Job mutation = job("doc", set("/a", 1));
    List<OperationWithContext> written = executor.execute(mutation);

    // The CREATE (document scope, index 0) must be readable before the mutation is: a read with the
    // mutation's token would otherwise find no document while the create is still being indexed.
    assertThat(executor.readCoordinates(mutation, written)).containsExactly(
        new ConsistencyCoordinate("doc", Scopes.GLOBAL, "main", 0),
        new ConsistencyCoordinate("doc", Scopes.DOCUMENT, "main", 0));
    // Without a cached head, the store's revisions give the same answer.
    assertThat(new JobExecutor(store, models).readCoordinates(mutation, written)).containsExactly(
        new ConsistencyCoordinate("doc", Scopes.GLOBAL, "main", 0),
        new ConsistencyCoordinate("doc", Scopes.DOCUMENT, "main", 0));
  }

  @Test
  void readCoordinates_ofADocumentScopeWrite_areItsOwn() {
    Job creation = job("doc", create("doc"));
    List<OperationWithContext> written = executor.execute(creation);

    assertThat(executor.readCoordinates(creation, written))
        .containsExactly(new ConsistencyCoordinate("doc", Scopes.DOCUMENT, "main", 0));
    assertThat(executor.readCoordinates(creation, List.of())).isEmpty();
  }

  @Test
  void check_runsTheActionsAgainstTheLatestHeadAndWritesNothing() {
    executor.execute(job("doc", create("doc")));
    executor.execute(job("doc", set("/a", 1)));
    long before = store.lastOrdinal();

    executor.check("doc", "main", List.of(set("/b", 2), set(Scopes.LOCAL, "/x", 1)));
    Action deleteMissing = Action.of(JsonDocumentModel.DELETE_PATH, Scopes.GLOBAL, Json.object().put("path", "/missing"));
    assertThatThrownBy(() -> executor.check("doc", "main", List.of(set("/b", 2), deleteMissing)))
        .isInstanceOf(InvalidActionException.class);
    // The head the check saw includes the write before it: /a exists, so deleting it passes.
    executor.check("doc", "main",
        List.of(Action.of(JsonDocumentModel.DELETE_PATH, Scopes.GLOBAL, Json.object().put("path", "/a"))));

    assertThat(store.lastOrdinal()).isEqualTo(before);
    assertThat(stored("doc", Scopes.GLOBAL)).hasSize(1);
  }

  @Test
  void check_refusesUnknownAndDeletedDocumentsEvenWithoutActions() {
    assertThatThrownBy(() -> executor.check("nobody", "main", List.of()))
        .isInstanceOf(DocumentNotFoundException.class);
    executor.execute(job("doc", create("doc")));
    executor.check("doc", "main", List.of());
    assertThatThrownBy(() -> executor.check("doc", "feature", List.of()))
        .isInstanceOf(DocumentNotFoundException.class);
    executor.execute(job("doc", delete("doc")));
    assertThatThrownBy(() -> executor.check("doc", "main", List.of()))
        .isInstanceOf(DocumentDeletedException.class);
  }

  @Test
  void check_rebuildsAnUncachedHeadFromTheStore() {
    new JobExecutor(store, models).execute(job("doc", create("doc")));
    // This executor never ran a job on "doc": its check reads the head from the store.
    Action deleteMissing = Action.of(JsonDocumentModel.DELETE_PATH, Scopes.GLOBAL, Json.object().put("path", "/missing"));
    assertThatThrownBy(() -> executor.check("doc", "main", List.of(deleteMissing)))
        .isInstanceOf(InvalidActionException.class);
    executor.check("doc", "main", List.of(set("/a", 1)));
  }

  @Test
  void create_writesCreateDocumentAtIndexZeroOfTheDocumentScope() {
    List<OperationWithContext> written = executor.execute(job("doc", create("doc")));

    assertThat(written).hasSize(1);
    OperationWithContext op = written.get(0);
    assertThat(op.scope()).isEqualTo(Scopes.DOCUMENT);
    assertThat(op.operation().index()).isZero();
    assertThat(op.documentType()).isEqualTo(JobTestSupport.JSON);
    assertThat(op.ordinal()).isPositive();
    assertThat(op.resultingState().get("id").asText()).isEqualTo("doc");
    assertThat(op.operation().hash()).isEqualTo(StateHash.of(op.resultingState()));
    assertThat(op.operation().id())
        .isEqualTo(Ids.operationId("doc", Scopes.DOCUMENT, "main", op.operation().action().id()));
  }

  @Test
  void indexes_areIndependentPerScopeAndContiguous() {
    executor.execute(job("doc", create("doc")));
    List<OperationWithContext> written = executor.execute(job("doc",
        set("/a", 1), set(Scopes.LOCAL, "/x", 1), set("/b", 2), delete("doc")));

    assertThat(written).extracting(op -> op.scope() + "@" + op.operation().index())
        .containsExactlyInAnyOrder("global@0", "global@1", "local@0", "document@1");
    assertThat(stored("doc", Scopes.GLOBAL)).extracting(Operation::index).containsExactly(0L, 1L);
    assertThat(stored("doc", Scopes.DOCUMENT)).extracting(op -> op.action().type())
        .containsExactly(SystemActions.CREATE_DOCUMENT, SystemActions.DELETE_DOCUMENT);
  }

  @Test
  void resultingState_isTheScopeStateAfterEachOperation() {
    executor.execute(job("doc", create("doc")));
    List<OperationWithContext> written = executor.execute(job("doc", set("/a", 1), set("/b", 2)));

    assertThat(written.get(0).resultingState()).isEqualTo(Json.object().put("a", 1));
    assertThat(written.get(1).resultingState()).isEqualTo(Json.object().put("a", 1).put("b", 2));
  }

  @Test
  void create_withInitialStateOverride_startsTheScopeFromIt() {
    Action create = Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT,
        new dev.quire.model.CreateDocumentInput(JobTestSupport.JSON, "doc", "slug", "Name",
            Map.of(Scopes.GLOBAL, Json.object().put("start", true)), null).toJson());
    executor.execute(job("doc", create));
    List<OperationWithContext> written = executor.execute(job("doc", set("/a", 1)));
    assertThat(written.get(0).resultingState()).isEqualTo(Json.object().put("start", true).put("a", 1));
  }

  @Test
  void create_ofAnExistingDocument_fails() {
    executor.execute(job("doc", create("doc")));
    assertThatThrownBy(() -> executor.execute(job("doc", create("doc"))))
        .isInstanceOf(InvalidActionException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void create_ofAnUnknownType_fails() {
    Action create = Action.of(SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT,
        dev.quire.model.CreateDocumentInput.of("no/such", "doc").toJson());
    assertThatThrownBy(() -> executor.execute(job("doc", create))).isInstanceOf(UnknownDocumentTypeException.class);
  }

  @Test
  void actionsOnAMissingDocument_fail() {
    assertThatThrownBy(() -> executor.execute(job("ghost", set("/a", 1))))
        .isInstanceOf(DocumentNotFoundException.class);
    assertThat(store.lastOrdinal()).isZero();
  }

  @Test
  void delete_refusesEveryLaterWrite_includingASecondDelete() {
    executor.execute(job("doc", create("doc")));
    executor.execute(job("doc", delete("doc")));

    assertThatThrownBy(() -> executor.execute(job("doc", set("/a", 1))))
        .isInstanceOf(DocumentDeletedException.class);
    assertThatThrownBy(() -> executor.execute(job("doc", delete("doc"))))
        .isInstanceOf(DocumentDeletedException.class);
    assertThatThrownBy(() -> executor.execute(job("doc", addChild("doc", "other"))))
        .isInstanceOf(DocumentDeletedException.class);
  }

  @Test
  void delete_refusesLaterActionsOfTheSameJob_andWritesNothing() {
    executor.execute(job("doc", create("doc")));
    long before = store.lastOrdinal();
    assertThatThrownBy(() -> executor.execute(job("doc", delete("doc"), set("/a", 1))))
        .isInstanceOf(DocumentDeletedException.class);
    assertThat(store.lastOrdinal()).isEqualTo(before);
  }

  @Test
  void aReducerError_failsTheWholeJobAndWritesNothing() {
    executor.execute(job("doc", create("doc")));
    Action bad = Action.of("NO_SUCH_ACTION", Scopes.GLOBAL, Json.object());
    assertThatThrownBy(() -> executor.execute(job("doc", set("/a", 1), bad)))
        .isInstanceOf(InvalidActionException.class);
    assertThat(stored("doc", Scopes.GLOBAL)).isEmpty();
    // The failed job did not leave its partial state behind.
    assertThat(executor.execute(job("doc", set("/b", 2))).get(0).resultingState())
        .isEqualTo(Json.object().put("b", 2));
  }

  @Test
  void anUnknownScope_isRefused() {
    executor.execute(job("doc", create("doc")));
    assertThatThrownBy(() -> executor.execute(job("doc", set("nope", "/a", 1))))
        .isInstanceOf(InvalidActionException.class)
        .hasMessageContaining("no scope nope");
  }

  @Test
  void relationships_areWrittenOnTheSourceAndTheTargetNeedNotExist() {
    executor.execute(job("parent", create("parent")));
    List<OperationWithContext> written = executor.execute(job("parent", addChild("parent", "not-yet")));
    assertThat(written.get(0).scope()).isEqualTo(Scopes.DOCUMENT);
    assertThat(written.get(0).operation().index()).isEqualTo(1);
  }

  @Test
  void relationships_validateTheirInput() {
    executor.execute(job("parent", create("parent")));
    String add = SystemActions.ADD_RELATIONSHIP;

    assertThatThrownBy(() -> executor.execute(job("parent",
        relationship(add, Json.object().put("targetId", "parent").put("relationshipType", "child")))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("self");
    assertThatThrownBy(() -> executor.execute(job("parent",
        relationship(add, Json.object().put("relationshipType", "child")))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("targetId");
    assertThatThrownBy(() -> executor.execute(job("parent",
        relationship(add, Json.object().put("targetId", "x")))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("relationshipType");
    assertThatThrownBy(() -> executor.execute(job("parent", relationship(add,
        Json.object().put("sourceId", "other").put("targetId", "x").put("relationshipType", "child")))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("must equal");
    assertThatThrownBy(() -> executor.execute(job("parent",
        Action.of(add, Scopes.GLOBAL, addChild("parent", "x").input()))))
        .isInstanceOf(InvalidActionException.class).hasMessageContaining("scope document");
    assertThatThrownBy(() -> executor.execute(job("missing", addChild("missing", "x"))))
        .isInstanceOf(DocumentNotFoundException.class);
    assertThatThrownBy(() -> executor.execute(job("missing",
        relationship(SystemActions.REMOVE_RELATIONSHIP, addChild("missing", "x").input()))))
        .isInstanceOf(DocumentNotFoundException.class);
    assertThat(stored("parent", Scopes.DOCUMENT)).hasSize(1);
  }

  @Test
  void upgrade_replacesAScopeOnlyBeforeItsFirstOperation() {
    executor.execute(job("doc", create("doc")));
    Action upgrade = Action.of(SystemActions.UPGRADE_DOCUMENT, Scopes.DOCUMENT,
        new dev.quire.model.UpgradeDocumentInput(2, Map.of(Scopes.GLOBAL, Json.object().put("v", 2))).toJson());
    executor.execute(job("doc", upgrade));
    assertThat(executor.execute(job("doc", set("/a", 1))).get(0).resultingState())
        .isEqualTo(Json.object().put("v", 2).put("a", 1));

    assertThatThrownBy(() -> executor.execute(job("doc", upgrade)))
        .isInstanceOf(InvalidActionException.class)
        .hasMessageContaining("already has 1 operation");
  }

  @Test
  void aStaleHead_failsWithRevisionMismatch_thenTheNextAttemptRebuildsFromTheStore() {
    executor.execute(job("doc", create("doc")));
    executor.execute(job("doc", set("/a", 1)));
    // Another writer appends behind this executor's back.
    new JobExecutor(store, models).execute(job("doc", set("/b", 2)));

    Job mine = job("doc", set("/c", 3));
    assertThatThrownBy(() -> executor.execute(mine)).isInstanceOf(RevisionMismatchException.class);
    List<OperationWithContext> written = executor.execute(mine);
    assertThat(written.get(0).operation().index()).isEqualTo(2);
    assertThat(written.get(0).resultingState()).isEqualTo(Json.object().put("a", 1).put("b", 2).put("c", 3));
  }

  @Test
  void aNewExecutor_rebuildsHeadsFromTheStore_includingDeletion() {
    executor.execute(job("doc", create("doc")));
    executor.execute(job("doc", set("/a", 1), set(Scopes.LOCAL, "/l", 1)));
    executor.execute(job("gone", create("gone")));
    executor.execute(job("gone", delete("gone")));

    JobExecutor fresh = new JobExecutor(store, models);
    List<OperationWithContext> written = fresh.execute(job("doc", set("/b", 2)));
    assertThat(written.get(0).operation().index()).isEqualTo(1);
    assertThat(written.get(0).resultingState()).isEqualTo(Json.object().put("a", 1).put("b", 2));
    assertThatThrownBy(() -> fresh.execute(job("gone", set("/a", 1)))).isInstanceOf(DocumentDeletedException.class);
  }

  @Test
  void aTinyCache_stillGivesCorrectHeads() {
    JobExecutor small = new JobExecutor(store, models, 1);
    for (String id : List.of("a", "b", "c")) {
      small.execute(job(id, create(id)));
    }
    for (int i = 0; i < 3; i++) {
      for (String id : List.of("a", "b", "c")) {
        assertThat(small.execute(job(id, set("/n", i))).get(0).operation().index()).isEqualTo(i);
      }
    }
    assertThat(small.cachedHeads()).isLessThanOrEqualTo(1);
  }

  @Test
  void operationTimestamp_isTheActionTimestamp() {
    Instant when = Instant.parse("2024-05-01T00:00:00Z");
    Action create = new Action("act-1", SystemActions.CREATE_DOCUMENT, Scopes.DOCUMENT, when,
        dev.quire.model.CreateDocumentInput.of(JobTestSupport.JSON, "doc").toJson(), null);
    assertThat(executor.execute(job("doc", create)).get(0).operation().timestamp()).isEqualTo(when);
  }
}
