package dev.quire.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness. Ready means every read model has caught up with the store at least once
 * since start (it then stays ready under load, when some lag is normal) and the server is not
 * shutting down.
 */
final class HealthHandlers {

  private final ReadModelMonitor monitor;
  private final BooleanSupplier stopping;
  private final AtomicBoolean caughtUp = new AtomicBoolean();

  HealthHandlers(ReadModelMonitor monitor, BooleanSupplier stopping) {
    this.monitor = monitor;
    this.stopping = stopping;
  }

  void live(Context ctx) {
    ObjectNode body = Json.object();
    body.put("status", "UP");
    Responses.json(ctx, 200, body);
  }

  void ready(Context ctx) {
    ObjectNode body = Json.object();
    if (stopping.getAsBoolean()) {
      body.put("status", "SHUTTING_DOWN");
      Responses.json(ctx, 503, body);
      return;
    }
    List<ReadModelMonitor.Report> reports = monitor.reports();
    if (!caughtUp.get() && reports.stream().allMatch(ReadModelMonitor.Report::caughtUp)) {
      caughtUp.set(true);
    }
    body.put("status", caughtUp.get() ? "READY" : "CATCHING_UP");
    ArrayNode models = body.putArray("readModels");
    for (ReadModelMonitor.Report report : reports) {
      ObjectNode model = Json.object();
      model.put("name", report.name());
      model.put("lagOperations", report.lagOperations());
      model.put("parkedStreams", report.parkedStreams().size());
      models.add(model);
    }
    Responses.json(ctx, caughtUp.get() ? 200 : 503, body);
  }
}
