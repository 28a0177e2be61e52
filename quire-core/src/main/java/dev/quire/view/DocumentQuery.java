package dev.quire.view;

import java.util.List;

/**
 * Criteria of {@link DocumentView#find}. Precedence: {@code ids}, then {@code slugs}, then
 * {@code type}; {@code type} also filters the other two. At least one must be set.
 * (Finding by parent goes through the indexer; see the reactor.)
 */
public record DocumentQuery(String type, List<String> ids, List<String> slugs) {

  public DocumentQuery {
    ids = ids == null ? List.of() : List.copyOf(ids);
    slugs = slugs == null ? List.of() : List.copyOf(slugs);
    if ((type == null || type.isEmpty()) && ids.isEmpty() && slugs.isEmpty()) {
      throw new IllegalArgumentException("A document query needs a type, ids or slugs");
    }
  }

  public static DocumentQuery byType(String type) {
    return new DocumentQuery(type, null, null);
  }

  public static DocumentQuery byIds(List<String> ids) {
    return new DocumentQuery(null, ids, null);
  }
}
