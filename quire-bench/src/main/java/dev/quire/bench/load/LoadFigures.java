package dev.quire.bench.load;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a load run's measured window saw, reported alike by the in-process ({@link LoadResult}) and
 * the HTTP benchmark: its job counts, its length, the throughput over it and the latency
 * percentiles. Each result unwraps it into its own JSON, so these fields stand at the result's top
 * level.
 *
 * <p>WRITE_READY is seen in-process only: over HTTP a write answers once it is READ_READY, so
 * there its figures are null and left out of the JSON.
 *
 * @param measuredSeconds the throughput window: from the first measured submit to the end of
 *     submissions (timed run) or to the last job's end (count-bounded run)
 * @param latencyMs percentiles by metric name, the constants below (each result says which it reports)
 */
public record LoadFigures(
    Counts counts,
    double measuredSeconds,
    Throughput throughput,
    Map<String, LatencySummary> latencyMs) {

  /** From the submit until the job was WRITE_READY (in-process only). */
  public static final String SUBMIT_TO_WRITE_READY = "submitToWriteReady";
  /** From the submit until the job was READ_READY (over HTTP: the {@code wait=true} write answered). */
  public static final String SUBMIT_TO_READ_READY = "submitToReadReady";
  /** The read with the job's consistency token alone, issued once the job is READ_READY. */
  public static final String READ_WITH_TOKEN = "readWithToken";
  /** From the submit until that read answered. */
  public static final String SUBMIT_TO_READ_ANSWERED = "submitToReadAnswered";
  /** Open loop: how late the generator itself submitted each job (part of every other figure). */
  public static final String SUBMIT_LAG = "submitLag";

  /** Figures over the window {@code [startNanos, endNanos]}, with its throughput worked out from {@code counts}. */
  public static LoadFigures of(Counts counts, long startNanos, long endNanos, Map<String, LatencySummary> latencyMs) {
    double seconds = Math.max(1e-9, (endNanos - startNanos) / 1e9);
    return new LoadFigures(counts, Results.round(seconds), Throughput.of(counts, seconds), latencyMs);
  }

  /**
   * Jobs and operations of the measured window.
   *
   * @param jobsSubmitted jobs submitted in the window
   * @param jobsWriteReady jobs that reached WRITE_READY in the window; null where not seen
   * @param jobsReadReady jobs that reached READ_READY in the window
   * @param jobsFailed jobs that failed in the window (over HTTP: answered non-2xx, or not at all)
   * @param reads reads with token that answered (jobs submitted in the window, answered by the end)
   * @param readsFailed reads that failed (over HTTP also 2xx writes without a token)
   * @param operationsWriteReady operations of the WRITE_READY jobs; null where not seen
   */
  public record Counts(
      long jobsSubmitted,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long jobsWriteReady,
      long jobsReadReady,
      long jobsFailed,
      long reads,
      long readsFailed,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long operationsWriteReady,
      long operationsReadReady) {

    /** Counts of a benchmark that does not see WRITE_READY (over HTTP). */
    public static Counts readReadyOnly(long jobsSubmitted, long jobsReadReady, long jobsFailed, long reads,
        long readsFailed, long operationsReadReady) {
      return new Counts(jobsSubmitted, null, jobsReadReady, jobsFailed, reads, readsFailed, null, operationsReadReady);
    }
  }

  /** Per second over {@link LoadFigures#measuredSeconds}; the WRITE_READY rates are null where not seen. */
  public record Throughput(
      double offeredJobsPerSecond,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double jobsPerSecondWriteReady,
      double jobsPerSecondReadReady,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double operationsPerSecondWriteReady,
      double operationsPerSecondReadReady) {

    static Throughput of(Counts counts, double seconds) {
      return new Throughput(
          Results.round(counts.jobsSubmitted() / seconds),
          counts.jobsWriteReady() == null ? null : Results.round(counts.jobsWriteReady() / seconds),
          Results.round(counts.jobsReadReady() / seconds),
          counts.operationsWriteReady() == null ? null : Results.round(counts.operationsWriteReady() / seconds),
          Results.round(counts.operationsReadReady() / seconds));
    }
  }
}
