package dev.quire.job;

import static dev.quire.job.JobTestSupport.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationFilter;
import dev.quire.store.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** LOAD jobs: operations from another replica, applied idempotently and merged deterministically. */
class LoadJobTest {

  /** One replica: a store and its executor. */
  private static final class Replica {
    final InMemoryOperationStore store = new InMemoryOperationStore();
    final JobExecutor executor = new JobExecutor(store, DocumentModelRegistry.of(new JsonDocumentModel()));

    List<Operation> raw(String scope) {
      return store.getSince(StreamKey.of("doc", scope, "main"), -1, OperationFilter.NONE, PageRequest.first(1000))
          .items();
    }

    List<Action> effective(String scope) {
      return EffectiveHistory.of(raw(scope)).stream().map(Operation::action).toList();
    }

    List<OperationWithContext> write(Action action) {
      return executor.execute(new Job(UUID.randomUUID().toString(), JobKind.MUTATION, "doc", "main",
          List.of(action), List.of(), null, Instant.EPOCH));
    }

    List<OperationWithContext> load(String base, List<Action> actions) {
      return load(base, actions, Map.of());
    }

    List<OperationWithContext> load(String base, List<Action> actions, Map<String, String> extraMeta) {
      Map<String, String> meta = new HashMap<>(extraMeta);
      if (base != null) {
        meta.put(JobExecutor.LOAD_BASE, base);
      }
      return executor.execute(new Job(UUID.randomUUID().toString(), JobKind.LOAD, "doc", "main", actions,
          List.of(), meta, Instant.EPOCH));
    }

    /** Replayed from the store's effective history (not the executor's cache): the global state. */
    String stateFromStore() {
      JsonDocumentModel model = new JsonDocumentModel();
      com.fasterxml.jackson.databind.JsonNode state = model.initialState(Scopes.GLOBAL);
      for (Operation op : EffectiveHistory.of(raw(Scopes.GLOBAL))) {
        if (op.error() == null) {
          state = model.reduce(state, op.action());
        }
      }
      return state.toString();
    }
  }

  private static Action set(String path, int value, long millis) {
    return new Action(UUID.randomUUID().toString(), JsonDocumentModel.SET, Scopes.GLOBAL, Instant.ofEpochMilli(millis),
        Json.object().put("path", "/" + path).put("value", value), null);
  }

  private static Action createAt(long millis) {
    Action c = create("doc");
    return new Action(c.id(), c.type(), c.scope(), Instant.ofEpochMilli(millis), c.input(), null);
  }

  @Test
  void load_appendsOperationsThatExtendTheLocalHistory_andIsIdempotent() {
    Replica a = new Replica();
    Replica b = new Replica();
    Action create = createAt(1);
    a.write(create);
    Action x = set("x", 1, 2);
    Action y = set("y", 2, 3);
    a.write(x);
    a.write(y);

    assertThat(b.load(null, List.of(create))).hasSize(1);
    List<OperationWithContext> loaded = b.load(null, List.of(x, y));
    assertThat(loaded).extracting(op -> op.operation().hash())
        .containsExactlyElementsOf(a.raw(Scopes.GLOBAL).stream().map(Operation::hash).toList());

    assertThat(b.load(null, List.of(x, y))).isEmpty();
    assertThat(b.load(x.id(), List.of(y))).isEmpty();
    assertThat(b.raw(Scopes.GLOBAL)).hasSize(2);
  }

  @Test
  void concurrentWritesOnBothReplicas_convergeToTheSameEffectiveHistoryAndState() {
    Replica a = new Replica();
    Replica b = new Replica();
    Action create = createAt(1);
    Action common = set("x", 0, 2);
    for (Replica r : List.of(a, b)) {
      r.load(null, List.of(create));
      r.load(null, List.of(common));
    }
    Action a1 = set("x", 1, 10);
    Action a2 = set("y", 1, 30);
    Action b1 = set("x", 2, 20);
    a.write(a1);
    a.write(a2);
    b.write(b1);

    // Each side receives the other's suffix after the common base.
    a.load(common.id(), List.of(b1));
    b.load(common.id(), List.of(a1, a2));

    assertThat(a.effective(Scopes.GLOBAL)).extracting(Action::id)
        .containsExactly(common.id(), a1.id(), b1.id(), a2.id());
    assertThat(b.effective(Scopes.GLOBAL)).extracting(Action::id)
        .containsExactlyElementsOf(a.effective(Scopes.GLOBAL).stream().map(Action::id).toList());
    assertThat(a.stateFromStore()).isEqualTo(b.stateFromStore()).contains("\"x\":2").contains("\"y\":1");

    // The re-appended operations come back to the other side as a no-op.
    List<Action> aEffective = a.effective(Scopes.GLOBAL);
    assertThat(b.load(common.id(), aEffective.subList(1, aEffective.size()))).isEmpty();
  }

  @Test
  void load_onAnUnknownBase_isRefusedAsMissingBase() {
    Replica b = new Replica();
    b.load(null, List.of(createAt(1)));
    assertThatThrownBy(() -> b.load("nope", List.of(set("x", 1, 5))))
        .isInstanceOfSatisfying(LoadConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(LoadConflictException.Reason.MISSING_BASE));
  }

  @Test
  void load_withADifferentStateHash_isRefusedAsHashMismatch_andWritesNothing() {
    Replica b = new Replica();
    b.load(null, List.of(createAt(1)));
    Action x = set("x", 1, 5);
    assertThatThrownBy(() -> b.load(null, List.of(x), Map.of(JobExecutor.LOAD_HASH_PREFIX + x.id(), "bogus")))
        .isInstanceOfSatisfying(LoadConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(LoadConflictException.Reason.HASH_MISMATCH));
    assertThat(b.raw(Scopes.GLOBAL)).isEmpty();
  }

  @Test
  void effectiveHistory_dropsWhatASkipSupersedes() {
    Replica a = new Replica();
    a.load(null, List.of(createAt(1)));
    List<Action> chain = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      chain.add(set("k" + i, i, 10 + i));
    }
    a.write(chain.get(2));
    a.load(null, List.of(chain.get(0), chain.get(1)));
    assertThat(a.effective(Scopes.GLOBAL)).extracting(Action::id)
        .containsExactly(chain.get(0).id(), chain.get(1).id(), chain.get(2).id());
    assertThat(a.raw(Scopes.GLOBAL)).hasSize(4);
    assertThat(a.raw(Scopes.GLOBAL).get(1).skip()).isEqualTo(1);
  }
}
