package dev.quire.job;

import dev.quire.model.QuireException;

/**
 * A job ended FAILED (nothing written) or READ_FAILED (written, but a read model parked its stream);
 * thrown by callers that wait for a job and then read, such as {@code ReactorClient}.
 */
public class JobFailedException extends QuireException {

  private final JobInfo job;

  public JobFailedException(JobInfo job) {
    super("Job " + job.id() + " on document " + job.documentId() + " ended " + job.status()
        + (job.error() == null ? "" : ": " + job.error().type() + ": " + job.error().message()));
    this.job = job;
  }

  public JobInfo job() {
    return job;
  }

  public String jobId() {
    return job.id();
  }

  public JobStatus status() {
    return job.status();
  }

  /** The job's last error; null only if the job failed without one. */
  public ErrorInfo error() {
    return job.error();
  }
}
