package dev.quire;

import java.util.List;

/**
 * Criteria of {@link Reactor#find}. Precedence: {@code ids}, then {@code slugs}, then {@code parentId}
 * (the targets of the parent's outgoing {@code child} relationships), then {@code type}; {@code type}
 * also filters the others. {@code ids} and {@code slugs} cannot be combined; at least one criterion is
 * required.
 */
public record FindRequest(String type, String parentId, List<String> ids, List<String> slugs) {

  public FindRequest {
    ids = ids == null ? List.of() : List.copyOf(ids);
    slugs = slugs == null ? List.of() : List.copyOf(slugs);
    type = type == null || type.isEmpty() ? null : type;
    parentId = parentId == null || parentId.isEmpty() ? null : parentId;
    if (!ids.isEmpty() && !slugs.isEmpty()) {
      throw new IllegalArgumentException("Cannot use both ids and slugs in the same search");
    }
    if (type == null && parentId == null && ids.isEmpty() && slugs.isEmpty()) {
      throw new IllegalArgumentException("No search criteria provided");
    }
  }

  public static FindRequest byType(String type) {
    return new FindRequest(type, null, null, null);
  }

  public static FindRequest byParent(String parentId) {
    return new FindRequest(null, parentId, null, null);
  }

  public static FindRequest byIds(List<String> ids) {
    return new FindRequest(null, null, ids, null);
  }

  public static FindRequest bySlugs(List<String> slugs) {
    return new FindRequest(null, null, null, slugs);
  }
}
