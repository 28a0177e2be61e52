package dev.quire;

import dev.quire.job.InvalidJobException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validates a batch ({@link Reactor#executeBatch}) and orders it so dependencies come first. */
final class BatchPlan {

  private BatchPlan() {}

  /**
   * The jobs in a topological order that keeps the input order wherever dependencies allow.
   *
   * @throws InvalidJobException for a duplicate key, an unknown dependency key, a job without
   *     actions, or a dependency cycle (the message names a key on the cycle)
   */
  static List<BatchJob> topologicalOrder(List<BatchJob> jobs) {
    Map<String, BatchJob> byKey = new LinkedHashMap<>();
    for (BatchJob job : jobs) {
      if (byKey.putIfAbsent(job.key(), job) != null) {
        throw new InvalidJobException(job.key(), "Duplicate plan key: " + job.key());
      }
    }
    for (BatchJob job : jobs) {
      for (String dependency : job.dependsOn()) {
        if (!byKey.containsKey(dependency)) {
          throw new InvalidJobException(job.key(),
              "Job '" + job.key() + "' depends on non-existent key: " + dependency);
        }
      }
      if (job.actions().isEmpty()) {
        throw new InvalidJobException(job.key(), "Job '" + job.key() + "' has empty actions array");
      }
    }
    // Depth-first: false = on the stack, true = emitted; reaching a job on the stack closes a cycle.
    Map<String, Boolean> done = new HashMap<>();
    List<BatchJob> ordered = new ArrayList<>(jobs.size());
    for (BatchJob job : jobs) {
      visit(job, byKey, done, ordered);
    }
    return ordered;
  }

  private static void visit(
      BatchJob job, Map<String, BatchJob> byKey, Map<String, Boolean> done, List<BatchJob> ordered) {
    Boolean state = done.get(job.key());
    if (Boolean.TRUE.equals(state)) {
      return;
    }
    if (Boolean.FALSE.equals(state)) {
      throw new InvalidJobException(job.key(), "Dependency cycle detected involving key: " + job.key());
    }
    done.put(job.key(), false);
    for (String dependency : job.dependsOn()) {
      visit(byKey.get(dependency), byKey, done, ordered);
    }
    done.put(job.key(), true);
    ordered.add(job);
  }
}
