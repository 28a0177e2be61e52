package dev.quire.job;

import dev.quire.model.QuireException;
import java.time.Duration;

/** A job did not reach a terminal status (READ_READY, FAILED, READ_FAILED) within the wait. */
public class JobWaitTimeoutException extends QuireException {

  private final String jobId;
  private final JobStatus lastStatus;
  private final Duration waited;

  public JobWaitTimeoutException(String jobId, JobStatus lastStatus, Duration waited) {
    super("Job " + jobId + " still " + lastStatus + " after waiting " + waited.toMillis() + " ms");
    this.jobId = jobId;
    this.lastStatus = lastStatus;
    this.waited = waited;
  }

  public String jobId() {
    return jobId;
  }

  /** The job's status when the wait gave up. */
  public JobStatus lastStatus() {
    return lastStatus;
  }

  public Duration waited() {
    return waited;
  }
}
