package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.model.Action;
import dev.quire.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MergeRuleTest {

  private static Action a(String id, long millis) {
    return new Action(id, "SET", "global", Instant.ofEpochMilli(millis), Json.object(), null);
  }

  private static List<String> ids(List<Action> actions) {
    return actions.stream().map(Action::id).toList();
  }

  @Test
  void incomingAlreadyPresent_isANoOp() {
    MergeRule.Plan plan = MergeRule.plan(List.of(a("x", 1), a("y", 2)), List.of(a("x", 1)));
    assertThat(plan.isNoOp()).isTrue();
  }

  @Test
  void incomingExtendingLocal_isAppendedInTheSendersOrder() {
    MergeRule.Plan plan = MergeRule.plan(List.of(a("x", 5)), List.of(a("x", 5), a("z", 9), a("y", 1)));
    assertThat(plan.isMerge()).isFalse();
    assertThat(ids(plan.append())).containsExactly("z", "y");
    assertThat(plan.keep()).isEqualTo(1);
  }

  @Test
  void divergedHistories_mergeByTimestampThenActionId_keepingTheLongestAgreeingPrefix() {
    List<Action> local = List.of(a("a1", 10), a("a2", 30));
    List<Action> remote = List.of(a("b1", 20), a("b0", 10));
    MergeRule.Plan plan = MergeRule.plan(local, remote);
    // order: a1(10) < b0(10)? "a1" < "b0" by id; then b1(20), a2(30)
    assertThat(plan.keep()).isEqualTo(1);
    assertThat(plan.superseded()).isEqualTo(1);
    assertThat(ids(plan.append())).containsExactly("b0", "b1", "a2");
  }

  /** Both replicas end with the same effective sequence whatever they held before. */
  @RepeatedTest(50)
  void bothSidesOfADivergence_computeTheSameMergedSuffix() {
    Random random = new Random();
    List<Action> local = new ArrayList<>();
    List<Action> remote = new ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(5); i++) {
      local.add(a("l" + i, random.nextInt(10)));
    }
    for (int i = 0; i < 1 + random.nextInt(5); i++) {
      remote.add(a("r" + i, random.nextInt(10)));
    }
    Collections.sort(local, MergeRule.ORDER);
    Collections.sort(remote, MergeRule.ORDER);
    MergeRule.Plan onLocal = MergeRule.plan(local, remote);
    MergeRule.Plan onRemote = MergeRule.plan(remote, local);
    List<String> localAfter = new ArrayList<>(ids(local.subList(0, onLocal.keep())));
    localAfter.addAll(ids(onLocal.append()));
    List<String> remoteAfter = new ArrayList<>(ids(remote.subList(0, onRemote.keep())));
    remoteAfter.addAll(ids(onRemote.append()));
    assertThat(localAfter).isEqualTo(remoteAfter).hasSize(local.size() + remote.size());
  }
}
