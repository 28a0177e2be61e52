package dev.quire.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.Reactor;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ParkedStream;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadModelStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Progress of every read model: the coordinator's status plus lag against the operation store.
 *
 * <p>The checkpoint is the read model's own durable one when it keeps one (the JDBC view and
 * indexer: every operation up to it is indexed). Otherwise it is the highest store ordinal the read
 * model indexed through the coordinator, or, before its first batch in this process, the store's
 * last ordinal when the server started (read models catch up before the server serves). Lag in
 * operations is the store's last ordinal minus the checkpoint; lag in time is the age of the oldest
 * operation after the checkpoint.
 */
public final class ReadModelMonitor {

  /** One read model's progress. */
  public record Report(
      String name,
      String stage,
      long checkpoint,
      long lagOperations,
      long lagMillis,
      List<ParkedStream> parkedStreams,
      Throwable lastError,
      long batchesIndexed,
      long operationsIndexed,
      int waiters) {

    public boolean caughtUp() {
      return lagOperations == 0 && parkedStreams.isEmpty();
    }
  }

  private final Reactor reactor;
  private final Map<String, LongSupplier> checkpoints;
  private final long startOrdinal;

  public ReadModelMonitor(Reactor reactor, Map<String, LongSupplier> checkpoints) {
    this.reactor = reactor;
    this.checkpoints = Map.copyOf(checkpoints);
    this.startOrdinal = reactor.operationStore().lastOrdinal();
  }

  public List<Report> reports() {
    List<Report> reports = new ArrayList<>();
    long last = reactor.operationStore().lastOrdinal();
    for (ReadModel model : reactor.coordinator().readModels()) {
      reports.add(report(model, last));
    }
    return reports;
  }

  /** @throws ApiProblem 404 when no read model has that name */
  public Report report(String name) {
    return reactor.coordinator().readModels().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .map(model -> report(model, reactor.operationStore().lastOrdinal()))
        .orElseThrow(() -> unknown(name));
  }

  public boolean allCaughtUp() {
    return reports().stream().allMatch(Report::caughtUp);
  }

  static ApiProblem unknown(String name) {
    return new ApiProblem(404, "read-model-not-found", "Read model not found", "No read model is named " + name)
        .with("readModel", name);
  }

  private Report report(ReadModel model, long lastOrdinal) {
    ReadModelStatus status = reactor.coordinator().status(model.name());
    LongSupplier durable = checkpoints.get(model.name());
    long checkpoint = durable != null ? durable.getAsLong() : Math.max(status.lastIndexedOrdinal(), startOrdinal);
    long lag = Math.max(0, lastOrdinal - checkpoint);
    long lagMillis = 0;
    if (lag > 0) {
      List<OperationWithContext> next = reactor.operationStore().getSinceOrdinal(checkpoint, 1);
      if (!next.isEmpty()) {
        lagMillis = Math.max(0, Duration.between(next.get(0).operation().timestamp(), Instant.now()).toMillis());
      }
    }
    int waiters;
    try {
      waiters = model.tracker().waiterCount();
    } catch (RuntimeException e) {
      waiters = -1;
    }
    return new Report(model.name(), status.stage().name(), checkpoint, lag, lagMillis, status.parkedStreams(),
        status.lastError(), status.batchesIndexed(), status.operationsIndexed(), waiters);
  }

  static ObjectNode toJson(Report report) {
    ObjectNode node = Json.object();
    node.put("name", report.name());
    node.put("stage", report.stage());
    node.put("checkpoint", report.checkpoint());
    node.put("lagOperations", report.lagOperations());
    node.put("lagMillis", report.lagMillis());
    node.put("caughtUp", report.caughtUp());
    ArrayNode parked = node.putArray("parkedStreams");
    for (ParkedStream stream : report.parkedStreams()) {
      ObjectNode p = Json.object();
      p.put("stream", stream.stream().toString());
      p.put("documentId", stream.stream().documentId());
      p.put("scope", stream.stream().scope());
      p.put("branch", stream.stream().branch());
      p.put("jobId", stream.jobId());
      p.put("attempts", stream.attempts());
      p.put("since", stream.since().toString());
      p.set("lastError", error(stream.lastError()));
      parked.add(p);
    }
    node.set("lastError", error(report.lastError()));
    node.put("batchesIndexed", report.batchesIndexed());
    node.put("operationsIndexed", report.operationsIndexed());
    node.put("waiters", report.waiters());
    return node;
  }

  private static com.fasterxml.jackson.databind.JsonNode error(Throwable error) {
    if (error == null) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
    ObjectNode node = Json.object();
    node.put("type", error.getClass().getSimpleName());
    node.put("message", error.getMessage());
    return node;
  }
}
