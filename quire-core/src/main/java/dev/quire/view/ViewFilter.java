package dev.quire.view;

import dev.quire.model.Scopes;
import java.util.Set;

/**
 * Which branch and scopes a read returns.
 *
 * @param scopes null or empty for every scope; otherwise these plus {@code document}
 */
public record ViewFilter(String branch, Set<String> scopes) {

  public static final ViewFilter MAIN = new ViewFilter(Scopes.MAIN_BRANCH, null);

  public ViewFilter {
    branch = branch == null || branch.isEmpty() ? Scopes.MAIN_BRANCH : branch;
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
  }

  public static ViewFilter branch(String branch) {
    return new ViewFilter(branch, null);
  }
}
