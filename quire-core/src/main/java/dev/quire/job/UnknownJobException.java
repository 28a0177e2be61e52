package dev.quire.job;

import dev.quire.model.QuireException;

/** No job with this id is known (never submitted, or finished and evicted from the tracker). */
public class UnknownJobException extends QuireException {

  private final String jobId;

  public UnknownJobException(String jobId) {
    super("Unknown job: " + jobId + " (never submitted, or finished long enough ago to be evicted)");
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
