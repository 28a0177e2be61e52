package dev.quire.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quire.consistency.ConsistencyToken;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a job's progress, as the job tracker holds it.
 *
 * <p>The consistency token is {@link Optional#empty()} until the job reaches {@link
 * JobStatus#WRITE_READY}; a PENDING or RUNNING job never hands out a token that looks usable but
 * guards nothing (the origin's empty-token pitfall). A job that wrote zero operations carries a
 * present but empty token once it is {@link JobStatus#READ_READY}.
 *
 * @param completedAt when the job reached a terminal status; null before
 * @param error the last error of a FAILED or READ_FAILED job; null otherwise
 * @param errorHistory every error of every attempt, oldest first
 * @param attempts how many times the executor ran the job (0 while pending)
 */
public record JobInfo(
    String id,
    String documentId,
    JobStatus status,
    Instant createdAt,
    Instant completedAt,
    ErrorInfo error,
    List<ErrorInfo> errorHistory,
    @JsonIgnore Optional<ConsistencyToken> consistencyToken,
    int attempts) {

  public JobInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    errorHistory = errorHistory == null ? List.of() : List.copyOf(errorHistory);
    consistencyToken = consistencyToken == null ? Optional.empty() : consistencyToken;
  }

  /** Whether an await on this job returns (READ_READY, FAILED or READ_FAILED). */
  public boolean isTerminal() {
    return status.isTerminal();
  }

  /**
   * The token in JSON: absent (not an empty token) until WRITE_READY, so a client can never mistake
   * "no token yet" for "nothing to wait for". Jackson needs no Optional support for this.
   */
  @JsonProperty("consistencyToken")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  ConsistencyToken consistencyTokenOrNull() {
    return consistencyToken.orElse(null);
  }

  /** The token; convenience for code that already checked the status. */
  public ConsistencyToken tokenOrEmpty() {
    return consistencyToken.orElse(ConsistencyToken.empty());
  }
}
