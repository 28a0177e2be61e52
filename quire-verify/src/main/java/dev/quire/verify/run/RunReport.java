package dev.quire.verify.run;

import dev.quire.verify.check.CheckResult;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run did and what the checker found.
 *
 * @param target the system under test
 * @param options how the run was shaped
 * @param startedAt wall-clock start
 * @param workload how long clients ran
 * @param total start to verdict, settling and checking included
 * @param ops the whole history
 * @param faults every injected fault
 * @param result the checker's verdict
 */
public record RunReport(
    String target,
    RunOptions options,
    Instant startedAt,
    Duration workload,
    Duration total,
    List<Op> ops,
    List<FaultEvent> faults,
    CheckResult result) {

  public RunReport {
    ops = List.copyOf(ops);
    faults = List.copyOf(faults);
  }

  public boolean passed() {
    return result.passed();
  }

  /** Operations per kind and outcome. */
  public Map<OpKind, Map<Outcome, Long>> opCounts() {
    Map<OpKind, Map<Outcome, Long>> counts = new EnumMap<>(OpKind.class);
    for (Op op : ops) {
      counts.computeIfAbsent(op.kind(), k -> new EnumMap<>(Outcome.class)).merge(op.outcome(), 1L, Long::sum);
    }
    return counts;
  }

  /** Typed ends (statuses) and how often each occurred. */
  public Map<String, Long> statusCounts() {
    Map<String, Long> counts = new TreeMap<>();
    ops.forEach(op -> counts.merge(op.kind().isWrite() ? "write " + op.status() : "read " + op.status(), 1L, Long::sum));
    return counts;
  }

  public Map<String, Long> faultCounts() {
    Map<String, Long> counts = new TreeMap<>();
    faults.forEach(fault -> counts.merge(fault.kind().name(), 1L, Long::sum));
    return counts;
  }

  public long tokenReads() {
    return ops.stream().filter(op -> !op.kind().isWrite() && op.hasToken()).count();
  }
}
