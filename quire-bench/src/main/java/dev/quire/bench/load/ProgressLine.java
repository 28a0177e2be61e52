package dev.quire.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A live one-line progress display on stderr, redrawn every second: a bar, elapsed time, and what
 * the {@code status} supplier says (throughput, interval p99, ...). Prints nothing when disabled.
 *
 * <p>Concurrency: one daemon thread redraws; {@link #close()} stops it and ends the line.
 */
public final class ProgressLine implements AutoCloseable {

  private static final int WIDTH = 24;

  private final PrintStream out;
  private final ScheduledExecutorService timer;
  private final long startNanos = System.nanoTime();
  private volatile String phase;

  /**
   * @param fraction progress in [0, 1]; negative when unknown (the bar is then left empty)
   */
  public record Status(double fraction, String text) {}

  /** How fast a count grew since the previous redraw; confined to the progress thread. */
  public static final class Rate {
    private long lastNanos;
    private long lastCount;

    /** Per second since the previous call; 0 on the first. */
    public double perSecond(long count) {
      long now = System.nanoTime();
      double rate = lastNanos == 0 ? 0 : (count - lastCount) * 1e9 / (now - lastNanos);
      lastNanos = now;
      lastCount = count;
      return rate;
    }
  }

  public ProgressLine(boolean enabled, String phase, Supplier<Status> status) {
    this.out = System.err;
    this.phase = phase;
    if (!enabled) {
      timer = null;
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "quire-bench-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> draw(status.get()), 1, 1, TimeUnit.SECONDS);
  }

  public void phase(String name) {
    phase = name;
  }

  private void draw(Status status) {
    double fraction = Math.min(1, status.fraction());
    int filled = fraction < 0 ? 0 : (int) Math.round(fraction * WIDTH);
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    String percent = fraction < 0 ? "  ? " : String.format(Locale.ROOT, "%3.0f%%", fraction * 100);
    out.print(String.format(Locale.ROOT, "\r%-8s [%s] %s %6.1fs  %s   ", phase, bar, percent, elapsed, status.text()));
    out.flush();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(1, TimeUnit.SECONDS); // no redraw after the final newline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println();
    }
  }
}
