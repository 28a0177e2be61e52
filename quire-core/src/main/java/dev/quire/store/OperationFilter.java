package dev.quire.store;

import java.time.Instant;
import java.util.Set;

/**
 * Narrows {@link OperationStore#getSince}. Null fields do not filter.
 *
 * @param actionTypes only operations whose action type is in this set
 * @param timestampFrom inclusive
 * @param timestampTo inclusive
 */
public record OperationFilter(Set<String> actionTypes, Instant timestampFrom, Instant timestampTo) {

  public static final OperationFilter NONE = new OperationFilter(null, null, null);

  public OperationFilter {
    actionTypes = actionTypes == null ? null : Set.copyOf(actionTypes);
  }
}
