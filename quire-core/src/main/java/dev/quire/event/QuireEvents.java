package dev.quire.event;

import dev.quire.consistency.StreamKey;
import dev.quire.model.OperationWithContext;
import java.util.List;

/** The events Quire itself emits on its {@link EventBus}. */
public final class QuireEvents {

  /** Operations were committed to the operation store. */
  public static final EventType<OperationWritten> OPERATION_WRITTEN =
      EventType.define("OPERATION_WRITTEN", OperationWritten.class);

  /** Every pre-ready read model has indexed a batch; their trackers are updated. */
  public static final EventType<OperationsReady> OPERATIONS_READY =
      EventType.define("OPERATIONS_READY", OperationsReady.class);

  /** A job failed terminally. */
  public static final EventType<JobFailed> JOB_FAILED = EventType.define("JOB_FAILED", JobFailed.class);

  /** One read model finished (or failed) one batch. */
  public static final EventType<ReadModelIndexed> READ_MODEL_INDEXED =
      EventType.define("READ_MODEL_INDEXED", ReadModelIndexed.class);

  /** A read model failed a batch; {@code parked} tells whether retries are exhausted. */
  public static final EventType<ReadModelFailed> READ_MODEL_FAILED =
      EventType.define("READ_MODEL_FAILED", ReadModelFailed.class);

  private QuireEvents() {}

  public record OperationWritten(String jobId, List<OperationWithContext> operations) {
    public OperationWritten {
      operations = List.copyOf(operations);
    }
  }

  public record OperationsReady(String jobId, List<OperationWithContext> operations) {
    public OperationsReady {
      operations = List.copyOf(operations);
    }
  }

  public record JobFailed(String jobId, String documentId, Throwable error) {}

  public record ReadModelIndexed(
      String readModel, String jobId, long durationNanos, int operationCount, boolean success) {}

  /**
   * @param attempt 1 for the first failure of this batch
   * @param parked true when retries are exhausted and the stream waits for retry or skip
   */
  public record ReadModelFailed(
      String readModel, String jobId, StreamKey stream, Throwable error, int attempt, boolean parked) {}
}
