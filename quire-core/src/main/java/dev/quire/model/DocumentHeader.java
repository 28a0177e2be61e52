package dev.quire.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What every document has whatever its type.
 *
 * @param revision per scope, the index the next operation will take (max index + 1)
 */
public record DocumentHeader(
    String id,
    String documentType,
    String slug,
    String name,
    String branch,
    Instant createdAt,
    Instant lastModifiedAt,
    Map<String, Long> revision) {

  public DocumentHeader {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(documentType, "documentType");
    Objects.requireNonNull(branch, "branch");
    revision = revision == null ? Map.of() : Map.copyOf(revision);
  }
}
