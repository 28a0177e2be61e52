package dev.quire.job;

import dev.quire.model.Action;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A unit of write work: actions applied, in order, to one document, written as one atomic batch.
 *
 * @param dependencies ids of jobs that must finish (complete or fail) before this one runs
 * @param meta caller metadata (batch id, correlation id...), passed through untouched
 */
public record Job(
    String id,
    JobKind kind,
    String documentId,
    String branch,
    List<Action> actions,
    List<String> dependencies,
    Map<String, String> meta,
    Instant createdAt) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    if (documentId == null || documentId.isEmpty()) {
      throw new IllegalArgumentException("Job documentId must not be empty");
    }
    if (branch == null || branch.isEmpty()) {
      throw new IllegalArgumentException("Job branch must not be empty");
    }
    actions = List.copyOf(actions);
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
