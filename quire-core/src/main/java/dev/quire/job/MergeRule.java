package dev.quire.job;

import dev.quire.model.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The deterministic rule that decides what a stream looks like after operations from another
 * replica arrive. Pure: no store, no clock.
 *
 * <p>Input: {@code local}, the local effective history after the common base (the last operation
 * both sides agree on, named by the sender), and {@code incoming}, the sender's effective history
 * after that same base. Output, first match wins:
 * <ol>
 *   <li>{@code incoming} is a prefix of {@code local} (by action id): nothing to do (idempotent).
 *   <li>{@code local} is a prefix of {@code incoming}: append the rest in the sender's order.
 *   <li>otherwise the histories diverged: the merged suffix is {@code local ∪ incoming} (by action
 *       id) ordered by (timestamp, action id). The longest common prefix of {@code local} and that
 *       order is kept; the rest of {@code local} is superseded (the first re-appended operation
 *       carries {@code skip} = its size) and the rest of the merged order is (re-)applied.
 * </ol>
 * Both replicas compute the same merged order from the same two sets, so they converge to the same
 * effective history and state.
 */
public final class MergeRule {

  /** Total order of the merge: timestamp, then action id. */
  public static final Comparator<Action> ORDER =
      Comparator.comparing(Action::timestamp).thenComparing(Action::id);

  private MergeRule() {}

  /**
   * @param keep how many operations of {@code local} stay where they are
   * @param superseded how many operations of {@code local} the first appended operation supersedes
   * @param append the actions to apply at the head, in order
   * @param extendsLocal true when the local history was a prefix of the incoming one: the replicas
   *     then agree on everything before each appended action, so the sender's state hashes apply
   */
  public record Plan(int keep, int superseded, List<Action> append, boolean extendsLocal) {
    public Plan {
      append = List.copyOf(append);
    }

    public Plan(int keep, int superseded, List<Action> append) {
      this(keep, superseded, append, false);
    }

    public boolean isNoOp() {
      return append.isEmpty() && superseded == 0;
    }

    public boolean isMerge() {
      return superseded > 0;
    }
  }

  public static Plan plan(List<Action> local, List<Action> incoming) {
    Objects.requireNonNull(local, "local");
    List<Action> in = distinct(incoming);
    if (isPrefix(in, local)) {
      return new Plan(local.size(), 0, List.of());
    }
    if (isPrefix(local, in)) {
      return new Plan(local.size(), 0, in.subList(local.size(), in.size()), true);
    }
    Map<String, Action> union = new LinkedHashMap<>();
    local.forEach(a -> union.putIfAbsent(a.id(), a));
    in.forEach(a -> union.putIfAbsent(a.id(), a));
    List<Action> merged = new ArrayList<>(union.values());
    merged.sort(ORDER);
    int keep = 0;
    while (keep < local.size() && local.get(keep).id().equals(merged.get(keep).id())) {
      keep++;
    }
    return new Plan(keep, local.size() - keep, merged.subList(keep, merged.size()));
  }

  private static List<Action> distinct(List<Action> actions) {
    Map<String, Action> byId = new LinkedHashMap<>();
    actions.forEach(a -> byId.putIfAbsent(a.id(), a));
    return new ArrayList<>(byId.values());
  }

  private static boolean isPrefix(List<Action> prefix, List<Action> of) {
    if (prefix.size() > of.size()) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      if (!prefix.get(i).id().equals(of.get(i).id())) {
        return false;
      }
    }
    return true;
  }
}
