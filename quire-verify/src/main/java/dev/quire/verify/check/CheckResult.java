package dev.quire.verify.check;

import java.util.List;

/** The checker's verdict on one run: a result per invariant. */
public record CheckResult(List<InvariantResult> invariants) {

  public CheckResult {
    invariants = List.copyOf(invariants);
  }

  public List<Violation> violations() {
    return invariants.stream().flatMap(result -> result.violations().stream()).toList();
  }

  public boolean passed() {
    return invariants.stream().allMatch(InvariantResult::passed);
  }

  public long checks() {
    return invariants.stream().mapToLong(InvariantResult::checks).sum();
  }

  public InvariantResult of(Invariant invariant) {
    return invariants.stream().filter(r -> r.invariant() == invariant).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Not checked: " + invariant));
  }
}
