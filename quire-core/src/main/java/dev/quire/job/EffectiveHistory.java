package dev.quire.job;

import dev.quire.model.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * The history a stream means, as opposed to what it stores: raw operations in index order, where an
 * operation with {@code skip = k} first removes the last {@code k} operations of the effective
 * history built so far (the ones a merge superseded), then joins it.
 *
 * <p>Quire's merges (see {@link MergeRule}) append the re-ordered suffix at the head with {@code
 * skip} on its first operation, so the raw stream stays append-only while every replica agrees on
 * the effective history.
 */
public final class EffectiveHistory {

  private EffectiveHistory() {}

  /** The effective operations of {@code raw} (index order), in effective order. */
  public static List<Operation> of(List<Operation> raw) {
    List<Operation> effective = new ArrayList<>(raw.size());
    for (Operation op : raw) {
      int drop = Math.min(op.skip(), effective.size());
      for (int i = 0; i < drop; i++) {
        effective.remove(effective.size() - 1);
      }
      effective.add(op);
    }
    return effective;
  }
}
