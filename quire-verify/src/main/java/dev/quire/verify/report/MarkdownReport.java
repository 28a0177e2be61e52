package dev.quire.verify.report;

import dev.quire.verify.check.InvariantResult;
import dev.quire.verify.check.Violation;
import dev.quire.verify.history.OpKind;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.run.FaultEvent;
import dev.quire.verify.run.RunReport;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link RunReport} as a Markdown section: figures, faults, invariants, violations. */
public final class MarkdownReport {

  private static final int SHOWN_PER_INVARIANT = 3;

  private MarkdownReport() {}

  /**
   * @param title the section title
   * @param command the command line that produced the run
   * @param machine a line describing the machine
   */
  public static String render(RunReport report, String title, String command, String machine) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(title).append("\n\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Date: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
        report.startedAt().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC\n");
    md.append("- Machine: ").append(machine).append('\n');
    md.append("- Target: ").append(report.target()).append('\n');
    md.append("- Clients: ").append(report.options().clients()).append(", seed ").append(report.options().seed())
        .append(", workload ").append(report.workload().toSeconds()).append(" s, total (with settling and checking) ")
        .append(report.total().toSeconds()).append(" s\n");
    md.append("- **Verdict: ").append(report.passed() ? "PASSED" : "FAILED").append("** — ")
        .append(report.ops().size()).append(" operations, ").append(report.faults().size()).append(" faults, ")
        .append(report.result().checks()).append(" checks, ").append(report.result().violations().size())
        .append(" violations\n\n");

    md.append("### Operations\n\n| kind | ok | fail | unknown |\n|---|---:|---:|---:|\n");
    Map<OpKind, Map<Outcome, Long>> counts = report.opCounts();
    for (Map.Entry<OpKind, Map<Outcome, Long>> row : counts.entrySet()) {
      Map<Outcome, Long> c = row.getValue();
      md.append("| ").append(row.getKey()).append(" | ").append(c.getOrDefault(Outcome.OK, 0L)).append(" | ")
          .append(c.getOrDefault(Outcome.FAIL, 0L)).append(" | ").append(c.getOrDefault(Outcome.INFO, 0L)).append(" |\n");
    }
    md.append("\nReads with a token: ").append(report.tokenReads()).append(". Typed ends: ");
    StringBuilder statuses = new StringBuilder();
    report.statusCounts().forEach((status, n) -> statuses.append(statuses.isEmpty() ? "" : ", ")
        .append(status).append(" ").append(n));
    md.append(statuses).append(".\n\n");

    md.append("### Faults injected\n\n");
    if (report.faults().isEmpty()) {
      md.append("None.\n\n");
    } else {
      md.append("| fault | count |\n|---|---:|\n");
      report.faultCounts().forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" |\n"));
      md.append('\n');
      Map<dev.quire.verify.fault.FaultKind, FaultEvent> firstOfKind = new EnumMap<>(dev.quire.verify.fault.FaultKind.class);
      report.faults().forEach(f -> firstOfKind.putIfAbsent(f.kind(), f));
      md.append("First of each kind: ");
      StringBuilder examples = new StringBuilder();
      firstOfKind.values().forEach(f -> examples.append(examples.isEmpty() ? "" : "; ")
          .append("+").append(f.atMillis()).append(" ms ").append(f.description()));
      md.append(examples).append(".\n\n");
    }

    md.append("### Invariants\n\n| invariant | checks | violations | promise |\n|---|---:|---:|---|\n");
    for (InvariantResult result : report.result().invariants()) {
      md.append("| ").append(result.invariant().label()).append(" | ").append(result.checks()).append(" | ")
          .append(result.violations().size()).append(" | ").append(result.invariant().promise()).append(" |\n");
    }
    md.append('\n');

    List<Violation> violations = report.result().violations();
    md.append("### Violations\n\n");
    if (violations.isEmpty()) {
      md.append("None.\n\n");
    } else {
      md.append("At most ").append(SHOWN_PER_INVARIANT).append(" per invariant.\n\n```\n");
      for (InvariantResult result : report.result().invariants()) {
        result.violations().stream().limit(SHOWN_PER_INVARIANT).forEach(v -> md.append(v.describe()).append("\n\n"));
        if (result.violations().size() > SHOWN_PER_INVARIANT) {
          md.append("… and ").append(result.violations().size() - SHOWN_PER_INVARIANT).append(" more [")
              .append(result.invariant().label()).append("] violations\n\n");
        }
      }
      md.append("```\n\n");
    }
    return md.toString();
  }
}
