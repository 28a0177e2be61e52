package dev.quire.verify.check;

import java.util.List;

/**
 * One invariant's verdict.
 *
 * @param checks how many individual facts were checked (writes, reads, streams, documents, …)
 * @param violations every violation found, in history order
 */
public record InvariantResult(Invariant invariant, long checks, List<Violation> violations) {

  public InvariantResult {
    violations = List.copyOf(violations);
  }

  public boolean passed() {
    return violations.isEmpty();
  }
}
