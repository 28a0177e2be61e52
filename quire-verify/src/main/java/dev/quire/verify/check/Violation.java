package dev.quire.verify.check;

import dev.quire.verify.history.Op;
import java.util.List;

/**
 * One broken invariant, with the smallest part of the history and of the final state that shows it.
 *
 * @param invariant the invariant's name (see {@link Invariant})
 * @param message what is wrong, with the coordinates needed to look further
 * @param ops the history excerpt: only the operations the violation involves
 * @param evidence the final-state excerpt: store operations, read model entries
 */
public record Violation(Invariant invariant, String message, List<Op> ops, List<String> evidence) {

  public Violation {
    ops = List.copyOf(ops);
    evidence = List.copyOf(evidence);
  }

  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append('[').append(invariant.label()).append("] ").append(message);
    ops.forEach(op -> text.append("\n    history: ").append(op.describe()));
    evidence.forEach(line -> text.append("\n    final:   ").append(line));
    return text.toString();
  }
}
