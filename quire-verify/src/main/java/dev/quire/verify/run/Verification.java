package dev.quire.verify.run;

import dev.quire.verify.check.CheckResult;
import dev.quire.verify.check.Checker;
import dev.quire.verify.check.FinalState;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import dev.quire.verify.target.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One verification run: clients and the fault scheduler against a target for the run's duration,
 * then settling (faults off, convergence, final reads and state), then the checker.
 */
public final class Verification {

  private static final Logger log = LoggerFactory.getLogger(Verification.class);
  private static final Duration JOIN = Duration.ofSeconds(60);

  private Verification() {}

  public static RunReport run(Target target, RunOptions options) {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    long end = start + options.duration().toNanos();
    History history = new History();
    DocumentPool pool = new DocumentPool(options.maxItemsPerDocument());
    List<FaultKind> kinds = new ArrayList<>(options.faults());
    kinds.retainAll(target.supportedFaults());
    FaultScheduler faults = new FaultScheduler(target, history, kinds, options.seed() * 31 + 7, start, end,
        options.minFaultGap(), options.maxFaultGap(), options.maxFaultWindow());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      Client client = new Client("c" + i, target, history, pool, options.seed() * 1000 + i, end, options.thinkTime(),
          options.deletes());
      threads.add(Thread.ofPlatform().name("verify-client-" + i).start(client));
    }
    Thread faultThread = Thread.ofPlatform().name("verify-faults").start(faults);
    log.info("verify: {} clients against {} for {} s, faults {}", options.clients(), target.description(),
        options.duration().toSeconds(), kinds);
    long joinDeadline = end + JOIN.toNanos();
    for (Thread thread : threads) {
      join(thread, joinDeadline);
    }
    join(faultThread, joinDeadline);
    Duration workload = Duration.ofNanos(System.nanoTime() - start);
    log.info("verify: workload done after {} ops; settling", history.completedCount());

    Set<String> documents = new TreeSet<>();
    for (Op op : history.ops()) {
      documents.add(op.documentId());
    }
    FinalState state = target.settle(history, documents, pool.tokens(), options.settleTimeout());
    List<Op> ops = history.ops();
    CheckResult result = new Checker(options.waitSlack().toMillis()).check(ops, state);
    Duration total = Duration.ofNanos(System.nanoTime() - start);
    log.info("verify: {} ops, {} faults, {} checks, {} violations", ops.size(), faults.events().size(),
        result.checks(), result.violations().size());
    return new RunReport(target.description(), options, startedAt, workload, total, ops, faults.events(), result);
  }

  private static void join(Thread thread, long deadlineNanos) {
    try {
      thread.join(Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime())));
      if (thread.isAlive()) {
        log.warn("{} did not stop; interrupting it", thread.getName());
        thread.interrupt();
        thread.join(JOIN);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
