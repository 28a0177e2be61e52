package dev.quire;

import dev.quire.model.Action;
import dev.quire.model.Scopes;
import java.util.List;

/**
 * One job of {@link Reactor#executeBatch}: actions on one document, run after every job named in
 * {@code dependsOn} (keys of the same batch) has finished.
 *
 * @param branch null for {@code main}
 */
public record BatchJob(String key, String documentId, String branch, List<Action> actions, List<String> dependsOn) {

  public BatchJob {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Batch job key must not be empty");
    }
    if (documentId == null || documentId.isEmpty()) {
      throw new IllegalArgumentException("Batch job '" + key + "' has no documentId");
    }
    branch = branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch;
    actions = actions == null ? List.of() : List.copyOf(actions);
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
  }

  public static BatchJob of(String key, String documentId, List<Action> actions, String... dependsOn) {
    return new BatchJob(key, documentId, null, actions, List.of(dependsOn));
  }
}
