package dev.quire.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ReadModelFailedException;
import dev.quire.consistency.StreamKey;
import dev.quire.job.ErrorInfo;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.job.JobWaitTimeoutException;
import dev.quire.model.InvalidActionException;
import dev.quire.store.DuplicateOperationException;
import dev.quire.store.RevisionMismatchException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The one exception-to-status mapping, for failures the HTTP tests cannot provoke on demand. */
class HttpProblemMapperTest {

  static final StreamKey STREAM = StreamKey.of("d", "global", "main");

  @Test
  void revisionConflict_is409WithTheRevisions() {
    ApiProblem problem = ProblemMapper.toProblem(new CompletionException(new RevisionMismatchException(STREAM, 3, 5)));
    assertThat(problem.status()).isEqualTo(409);
    assertThat(problem.toJson(null).get("expectedRevision").asLong()).isEqualTo(3);
    assertThat(problem.toJson(null).get("actualRevision").asLong()).isEqualTo(5);
    assertThat(ProblemMapper.toProblem(new DuplicateOperationException(STREAM, "op", 1)).status()).isEqualTo(409);
  }

  @Test
  void waits_mapTo504And503() {
    ConsistencyTimeoutException timeout = new ConsistencyTimeoutException("document-view",
        List.of(new ConsistencyTimeoutException.UnmetCoordinate(new ConsistencyCoordinate("d", "global", "main", 4),
            OptionalLong.of(2))), Duration.ofMillis(100));
    ApiProblem timedOut = ProblemMapper.toProblem(timeout);
    assertThat(timedOut.status()).isEqualTo(504);
    assertThat(timedOut.toJson(null).at("/coordinates/0/latestIndex").asLong()).isEqualTo(2);

    assertThat(ProblemMapper.toProblem(new ReadModelFailedException("document-view", STREAM, null)).status())
        .isEqualTo(503);
    assertThat(ProblemMapper.toProblem(new JobWaitTimeoutException("j", JobStatus.RUNNING, Duration.ofSeconds(1)))
        .status()).isEqualTo(504);
  }

  @Test
  void failedJobs_mapByTheirErrorType() {
    assertThat(failed(JobStatus.FAILED, "InvalidActionException").status()).isEqualTo(422);
    assertThat(failed(JobStatus.FAILED, "RevisionMismatchException").status()).isEqualTo(409);
    assertThat(failed(JobStatus.FAILED, "DocumentNotFoundException").status()).isEqualTo(404);
    assertThat(failed(JobStatus.READ_FAILED, "IllegalStateException").status()).isEqualTo(503);
    ApiProblem unknown = failed(JobStatus.FAILED, "SomethingElse");
    assertThat(unknown.status()).isEqualTo(500);
    assertThat(unknown.toJson(null).at("/job/id").asText()).isEqualTo("job-1");
  }

  @Test
  void unexpectedErrors_are500WithoutLeakingTheMessage() {
    ApiProblem problem = ProblemMapper.toProblem(new NullPointerException("secret internals"));
    assertThat(problem.status()).isEqualTo(500);
    assertThat(problem.detail()).doesNotContain("secret");
    assertThat(ProblemMapper.toProblem(new InvalidActionException("SET", "bad")).detail()).isEqualTo("bad");
  }

  private static ApiProblem failed(JobStatus status, String errorType) {
    ErrorInfo error = new ErrorInfo(errorType, "because");
    JobInfo job = new JobInfo("job-1", "d", status, Instant.EPOCH, Instant.EPOCH, error, List.of(error),
        Optional.empty(), 1);
    return ProblemMapper.forFailedJob(job);
  }
}
