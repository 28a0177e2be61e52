package dev.quire.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads that Quire's hand-offs run on (jobs, read-model applies, the continuations after a
 * read model's commit): virtual threads on a JDK where a virtual thread may block inside {@code
 * synchronized} without pinning its carrier (24 and later, JEP 491), else platform threads.
 *
 * <p>Why: a job passes from thread to thread several times on its way to READ_READY. Between
 * platform threads each pass is a futex wake-up and a context switch; on a 2-core virtual machine
 * those took about 40 % of the process's CPU at 11,000 jobs/s (perf: the kernel's task switch). A
 * virtual thread woken while its carriers are busy is only queued, without entering the kernel. On
 * JDK 21–23 a virtual thread parked inside a {@code synchronized} block (in a JDBC driver or a
 * user's read model) would hold one of the few carriers, so platform threads stay the default there.
 *
 * <p>The system property {@value #PROPERTY} ({@code true} or {@code false}) overrides the default.
 */
public final class TaskThreads {

  public static final String PROPERTY = "quire.virtualThreads";

  /** The first JDK whose virtual threads unmount when they block holding a monitor. */
  static final int UNPINNED_MONITORS_SINCE = 24;

  private TaskThreads() {}

  /** Whether Quire runs its hand-offs on virtual threads unless told otherwise. */
  public static boolean virtualByDefault() {
    return virtualByDefault(System.getProperty(PROPERTY), Runtime.version().feature());
  }

  static boolean virtualByDefault(String property, int feature) {
    if (property != null && !property.isBlank()) {
      String value = property.trim();
      if (value.equalsIgnoreCase("true")) {
        return true;
      }
      if (value.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException(PROPERTY + " must be true or false, got '" + property + "'");
    }
    return feature >= UNPINNED_MONITORS_SINCE;
  }

  /**
   * An executor that runs each task on a new virtual thread named {@code prefix} when {@link
   * #virtualByDefault()}, else on a cached pool of daemon platform threads named {@code prefix-N}.
   *
   * <p>Virtual threads share one name: a numbered name is a string built for every task, and tasks
   * are several per job; that building was 4.7 % of the closed loop's CPU samples (docs/benchmarks.md,
   * "Night of 2026-11-24"). A virtual thread is told apart by its id ({@code jcmd <pid>
   * Thread.dump_to_file} prints both).
   */
  public static ExecutorService newExecutor(String prefix) {
    return newExecutor(prefix, virtualByDefault());
  }

  static ExecutorService newExecutor(String prefix, boolean virtual) {
    return virtual
        ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix).factory())
        : Executors.newCachedThreadPool(NamedThreadFactory.daemon(prefix));
  }
}
