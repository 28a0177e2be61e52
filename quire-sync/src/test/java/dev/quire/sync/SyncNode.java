package dev.quire.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.consistency.StreamKey;
import dev.quire.job.EffectiveHistory;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.DocumentModel;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A replica for tests: a reactor, its sync manager and the sync HTTP endpoints on a loopback port. */
final class SyncNode implements AutoCloseable {

  final Reactor reactor;
  final SyncManager sync;
  final SyncHttpServer http;

  SyncNode(String name, DocumentModel... extraModels) throws Exception {
    this(name, null, extraModels);
  }

  SyncNode(String name, String bearerToken, DocumentModel... extraModels) throws Exception {
    var builder = Reactor.builder().documentModel(new JsonDocumentModel());
    if (extraModels.length > 0) {
      builder.documentModel(extraModels);
    }
    reactor = builder.build();
    sync = new SyncManager(reactor, new InMemorySyncStore(name)).start();
    http = SyncHttpServer.start(sync, "127.0.0.1", 0, bearerToken);
  }

  String url() {
    return http.url();
  }

  static RemoteOptions fast(SyncDirection direction) {
    return RemoteOptions.DEFAULTS.withDirection(direction).withPollInterval(Duration.ofMillis(20));
  }

  JobInfo awaitDone(JobInfo job) throws Exception {
    JobInfo done = reactor.awaitJob(job.id(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
    if (done.status() == JobStatus.FAILED) {
      throw new AssertionError("job failed: " + done.error());
    }
    return done;
  }

  String createJson(String id) throws Exception {
    awaitDone(reactor.create(CreateDocument.of(JsonDocumentModel.DOCUMENT_TYPE, id)));
    return id;
  }

  JobInfo set(String id, String path, int value) throws Exception {
    return awaitDone(reactor.execute(id, null, List.of(setAction(path, value, Instant.now()))));
  }

  static Action setAction(String path, int value, Instant at) {
    return new Action(UUID.randomUUID().toString(), JsonDocumentModel.SET, "global", at,
        Json.object().put("path", "/" + path).put("value", value), null);
  }

  List<String> effectiveActionIds(String id, String scope) {
    List<Operation> raw = reactor.operationStore().readStream(StreamKey.of(id, scope, "main"), -1);
    return EffectiveHistory.of(raw).stream().map(op -> op.action().id()).toList();
  }

  int rawCount(String id, String scope) {
    return reactor.operationStore().readStream(StreamKey.of(id, scope, "main"), -1).size();
  }

  /** The global state through the document view, or null when the view does not have the document. */
  JsonNode globalState(String id) {
    try {
      return reactor.get(id, ViewFilter.MAIN, ReadOptions.NONE).get(5, TimeUnit.SECONDS).state("global");
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    http.close();
    sync.close();
    reactor.close();
  }
}
