package dev.quire.verify.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.verify.check.DocState;
import dev.quire.verify.check.FinalState;
import dev.quire.verify.check.StoredOp;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import dev.quire.verify.history.Outcome;
import dev.quire.verify.history.ReadResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code quire serve} as a child process, driven over HTTP. Faults: SIGKILL of the process followed
 * by a restart on the same storage, and on PostgreSQL the termination of the server's connections.
 * An answer that never came (connection refused or reset) leaves a write unknown: it may or may not
 * be in the store, which the checker allows, at most once.
 *
 * <p>Concurrency: clients call concurrently (one {@link HttpClient}); kills and restarts are
 * serialised by {@code processLock}.
 */
public final class ServerTarget implements Target {

  private static final Logger log = LoggerFactory.getLogger(ServerTarget.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration HTTP_SLACK = Duration.ofSeconds(10);

  /**
   * @param launch what follows {@code java} to start the CLI: {@code -jar quire.jar}, or
   *     {@code -cp <classpath> dev.quire.server.cli.QuireCli} (see {@link #jar} and {@link #classpath})
   * @param databaseUrl {@code sqlite:<file>}, {@code postgresql://…} or {@code memory}
   * @param waitTimeout the {@code timeoutMs} every write and token read sends
   * @param workDir where the server's log goes
   */
  public record Config(List<String> launch, String databaseUrl, Duration waitTimeout, Path workDir) {
    public Config {
      launch = List.copyOf(launch);
      if (launch.isEmpty()) {
        throw new IllegalArgumentException("launch must name a jar or a classpath and main class");
      }
      Objects.requireNonNull(databaseUrl, "databaseUrl");
      Objects.requireNonNull(waitTimeout, "waitTimeout");
      Objects.requireNonNull(workDir, "workDir");
    }

    /** Starts the shaded {@code quire.jar}. */
    public static Config jar(Path serverJar, String databaseUrl, Duration waitTimeout, Path workDir) {
      if (!Files.isRegularFile(serverJar)) {
        throw new IllegalArgumentException("No server jar at " + serverJar + " (build quire-server first)");
      }
      return new Config(List.of("-jar", serverJar.toString()), databaseUrl, waitTimeout, workDir);
    }

    /** Starts the CLI's main class from a classpath, e.g. the server module's test classpath. */
    public static Config classpath(String classpath, String databaseUrl, Duration waitTimeout, Path workDir) {
      return new Config(List.of("-cp", classpath, "dev.quire.server.cli.QuireCli"), databaseUrl, waitTimeout, workDir);
    }
  }

  private final Config config;
  private final Duration wait;
  private final PostgresBackends postgres;
  private final String url;
  private final int port;
  private final HttpClient http;
  private final ReentrantLock processLock = new ReentrantLock();
  private final AtomicInteger restarts = new AtomicInteger();
  private final Path logFile;
  private volatile Process process;

  public ServerTarget(Config config) throws IOException {
    this.config = config;
    this.wait = config.waitTimeout();
    boolean pg = config.databaseUrl().startsWith("postgres") || config.databaseUrl().startsWith("jdbc:postgres");
    this.postgres = pg ? new PostgresBackends(config.databaseUrl()) : null;
    this.url = pg ? postgres.taggedUrl() : config.databaseUrl();
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
    Files.createDirectories(config.workDir());
    this.logFile = config.workDir().resolve("quire-serve-" + port + ".log");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1)
        .build();
    start();
  }

  @Override
  public String description() {
    return "quire serve (" + (config.launch().get(0).equals("-jar") ? "quire.jar" : "classpath")
        + ") as a child process over HTTP, database "
        + url.replaceAll("(?i)password=[^&]*", "password=***");
  }

  // ---------------------------------------------------------------------------------- process

  private void start() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx768m"));
    command.addAll(config.launch());
    command.addAll(List.of("serve",
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--default-wait-timeout", wait.toMillis() + "ms",
        "--data-dir", config.workDir().toString()));
    command.add("--database");
    command.add(url);
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start " + command, e);
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException("quire serve exited with " + process.exitValue() + "; see " + logFile);
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/health/ready"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the server", e);
      }
      try {
        Thread.sleep(100); // polling a child process's readiness, not test synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the server", e);
      }
    }
    throw new IllegalStateException("quire serve not ready within " + START_TIMEOUT.toSeconds() + " s; see " + logFile);
  }

  /** SIGKILL, a random pause, a restart on the same storage; returns what happened. */
  private String killAndRestart(Duration window, Random random) {
    processLock.lock();
    try {
      long pid = process.pid();
      process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no drain
      process.waitFor();
      long down = (long) (random.nextDouble() * Math.min(1000, window.toMillis()));
      Thread.sleep(down); // the server stays down for a while: clients see refused connections
      long begin = System.nanoTime();
      start();
      restarts.incrementAndGet();
      return "SIGKILL pid " + pid + ", down " + down + " ms, restarted as pid " + process.pid() + ", ready after "
          + (System.nanoTime() - begin) / 1_000_000 + " ms";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during a kill", e);
    } finally {
      processLock.unlock();
    }
  }

  // ----------------------------------------------------------------------------------- writes

  @Override
  public Op create(History.Invocation call, String documentId) {
    ObjectNode body = Json.object().put("documentType", JsonDocumentModel.DOCUMENT_TYPE).put("id", documentId);
    ObjectNode global = body.putObject("state").putObject(Scopes.GLOBAL);
    global.putArray("items");
    global.putObject("counters");
    return write(call, "POST", "/v1/documents", body);
  }

  @Override
  public Op append(History.Invocation call, String documentId, String client, String element, long seq) {
    ObjectNode body = Json.object();
    ArrayNode actions = body.putArray("actions");
    for (Action action : EmbeddedTarget.appendActions(client, element, seq)) {
      actions.addObject().put("id", action.id()).put("type", action.type()).put("scope", action.scope())
          .set("input", action.input());
    }
    return write(call, "POST", "/v1/documents/" + encode(documentId) + "/actions", body);
  }

  @Override
  public Op delete(History.Invocation call, String documentId) {
    return write(call, "DELETE", "/v1/documents/" + encode(documentId), null);
  }

  @Override
  public Op edge(History.Invocation call, boolean add, String sourceId, String targetId) {
    String path = "/v1/documents/" + encode(sourceId) + "/relationships/" + Snapshots.LINK + "/" + encode(targetId);
    return write(call, add ? "PUT" : "DELETE", path, add ? Json.object() : null);
  }

  private Op write(History.Invocation call, String method, String path, JsonNode body) {
    call.waitMillis(wait.toMillis());
    HttpResponse<String> response;
    try {
      response = send(method, path + "?wait=true&timeoutMs=" + wait.toMillis(), body, null);
    } catch (IOException e) {
      return call.write(Outcome.INFO, "UNAVAILABLE", e.toString(), List.of());
    }
    JsonNode json = parse(response.body());
    int status = response.statusCode();
    JsonNode job = json.path("job"); // the 200 body, or a failed job's problem
    if (job.has("id")) {
      call.jobId(job.path("id").asText());
    } else if (json.has("jobId")) {
      call.jobId(json.path("jobId").asText());
    }
    String kind = problemKind(json);
    if (status == 200) {
      return call.write(Outcome.OK, job.path("status").asText("READ_READY"), null, token(response, job));
    }
    if (status == 503 && "read-model-parked".equals(kind) && job.has("status")) {
      return call.write(Outcome.OK, job.path("status").asText(), detail(json), token(response, job));
    }
    if (status == 504 && "job-wait-timeout".equals(kind)) {
      String last = json.path("lastStatus").asText();
      boolean written = last.equals("WRITE_READY") || last.startsWith("READ_");
      return call.write(written ? Outcome.OK : Outcome.INFO, "WAIT_TIMED_OUT:" + last, detail(json),
          written ? jobToken(call.jobId()) : List.of());
    }
    if (status == 504 && "consistency-timeout".equals(kind)) {
      // The job is READ_READY (the read-back timed out): written.
      return call.write(Outcome.OK, "READ_READY", detail(json), List.of());
    }
    if (status >= 400 && status < 500) {
      return call.write(Outcome.FAIL, job.has("status") ? job.path("status").asText() : "REFUSED:" + kind,
          detail(json), List.of());
    }
    if (status == 500 && "job-failed".equals(kind)) {
      return call.write(Outcome.FAIL, "FAILED", detail(json), List.of());
    }
    if (status == 503 && "cancelled".equals(kind)) {
      return call.write(Outcome.INFO, "UNAVAILABLE", detail(json), List.of());
    }
    return call.write(Outcome.INFO, "UNTYPED:http-" + status + (kind.isEmpty() ? "" : "-" + kind), detail(json),
        List.of());
  }

  private List<ConsistencyCoordinate> token(HttpResponse<String> response, JsonNode job) {
    String header = response.headers().firstValue("Quire-Consistency-Token")
        .orElse(job.path("consistencyToken").asText(null));
    return header == null || header.isBlank() ? List.of() : ConsistencyToken.decode(header).coordinates();
  }

  private List<ConsistencyCoordinate> jobToken(String jobId) {
    if (jobId == null) {
      return List.of();
    }
    try {
      HttpResponse<String> response = send("GET", "/v1/jobs/" + encode(jobId), null, null);
      String token = parse(response.body()).path("consistencyToken").asText(null);
      return token == null || token.isBlank() ? List.of() : ConsistencyToken.decode(token).coordinates();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  // ------------------------------------------------------------------------------------ reads

  @Override
  public Op readDocument(History.Invocation call, String documentId, ConsistencyToken token) {
    return read(call, "/v1/documents/" + encode(documentId), token,
        json -> ReadResult.document(DocState.items(json.path("state").path(Scopes.GLOBAL)).stream()
            .map(Elements::canonical).toList(), DocState.counters(json.path("state").path(Scopes.GLOBAL))));
  }

  @Override
  public Op readEdges(History.Invocation call, String documentId, ConsistencyToken token) {
    return read(call, "/v1/documents/" + encode(documentId) + "/relationships?direction=outgoing&type=" + Snapshots.LINK
        + "&limit=1000", token, json -> ReadResult.edges(targets(json)));
  }

  @Override
  public boolean hasSideModel() {
    return false;
  }

  @Override
  public Op readItems(History.Invocation call, String documentId, ConsistencyToken token) {
    throw new UnsupportedOperationException("The server has no side read model");
  }

  private Op read(History.Invocation call, String path, ConsistencyToken token,
      java.util.function.Function<JsonNode, ReadResult> result) {
    call.waitMillis(wait.toMillis());
    HttpResponse<String> response;
    try {
      response = send("GET", path + (path.contains("?") ? "&" : "?") + "timeoutMs=" + wait.toMillis(), null,
          token.isEmpty() ? null : token.encode());
    } catch (IOException e) {
      return call.failedRead(Outcome.FAIL, "UNAVAILABLE", e.toString(), token.coordinates());
    }
    JsonNode json = parse(response.body());
    String kind = problemKind(json);
    return switch (response.statusCode()) {
      case 200 -> call.read("SATISFIED", token.coordinates(), result.apply(json));
      case 404 -> "document-not-found".equals(kind) ? call.read("NOT_FOUND", token.coordinates(), ReadResult.notFound())
          : call.failedRead(Outcome.FAIL, "UNTYPED:http-404-" + kind, detail(json), token.coordinates());
      case 504 -> call.failedRead(Outcome.FAIL, "consistency-timeout".equals(kind) ? "TIMED_OUT" : "UNTYPED:http-504",
          detail(json), token.coordinates());
      case 503 -> call.failedRead(Outcome.FAIL, "read-model-parked".equals(kind) ? "READ_MODEL_FAILED" : "UNAVAILABLE",
          detail(json), token.coordinates());
      default -> call.failedRead(Outcome.FAIL, "UNTYPED:http-" + response.statusCode() + "-" + kind, detail(json),
          token.coordinates());
    };
  }

  private static Set<String> targets(JsonNode page) {
    Set<String> targets = new LinkedHashSet<>();
    page.path("items").forEach(edge -> targets.add(edge.path("targetId").asText()));
    return targets;
  }

  // ----------------------------------------------------------------------------------- faults

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = EnumSet.of(FaultKind.PROCESS_KILLED);
    if (postgres != null) {
      kinds.add(FaultKind.DB_CONNECTIONS_DROPPED);
    }
    return kinds;
  }

  @Override
  public String inject(FaultKind kind, Duration length, Random random) {
    return switch (kind) {
      case PROCESS_KILLED -> killAndRestart(length, random);
      case DB_CONNECTIONS_DROPPED -> "terminated " + postgres.terminate() + " PostgreSQL backends of "
          + postgres.applicationName();
      default -> throw new IllegalArgumentException(kind + " is not supported by " + description());
    };
  }

  @Override
  public void recover() {
    processLock.lock();
    try {
      if (!process.isAlive()) {
        start();
      }
    } finally {
      processLock.unlock();
    }
  }

  // --------------------------------------------------------------------------------- settling

  @Override
  public FinalState settle(History history, Collection<String> documents, Map<String, ConsistencyToken> tokens,
      Duration timeout) {
    recover();
    awaitReady();
    List<String> unconverged = new ArrayList<>();
    parkedStreams(unconverged);
    EmbeddedTarget.finalReads(this, history, documents, tokens, unconverged);
    Map<StreamKey, List<StoredOp>> streams = new HashMap<>();
    Map<String, DocState> view = new HashMap<>();
    Map<String, Set<String>> edges = new HashMap<>();
    List<OperationWithContext> replay = new ArrayList<>();
    long ordinal = 0;
    for (String doc : documents) {
      List<Operation> document = operations(doc, Scopes.DOCUMENT);
      List<Operation> global = operations(doc, Scopes.GLOBAL);
      List<Operation> local = operations(doc, Scopes.LOCAL);
      record(streams, doc, Scopes.DOCUMENT, document);
      record(streams, doc, Scopes.GLOBAL, global);
      record(streams, doc, Scopes.LOCAL, local);
      // The view needs the creation first; the order across scopes does not matter otherwise.
      List<OperationWithContext> ops = new ArrayList<>();
      for (Operation op : document.subList(0, Math.min(1, document.size()))) {
        ops.add(new OperationWithContext(op, doc, JsonDocumentModel.DOCUMENT_TYPE, Scopes.DOCUMENT, Scopes.MAIN_BRANCH,
            ++ordinal, null));
      }
      for (Operation op : global) {
        ops.add(new OperationWithContext(op, doc, JsonDocumentModel.DOCUMENT_TYPE, Scopes.GLOBAL, Scopes.MAIN_BRANCH,
            ++ordinal, null));
      }
      for (Operation op : local) {
        ops.add(new OperationWithContext(op, doc, JsonDocumentModel.DOCUMENT_TYPE, Scopes.LOCAL, Scopes.MAIN_BRANCH,
            ++ordinal, null));
      }
      for (Operation op : document.subList(Math.min(1, document.size()), document.size())) {
        ops.add(new OperationWithContext(op, doc, JsonDocumentModel.DOCUMENT_TYPE, Scopes.DOCUMENT, Scopes.MAIN_BRANCH,
            ++ordinal, null));
      }
      replay.addAll(ops);
      view.put(doc, liveDocument(doc));
      Set<String> live = liveEdges(doc);
      if (!live.isEmpty()) {
        edges.put(doc, live);
      }
    }
    Snapshots.Rebuild rebuild = Snapshots.Rebuild.of(DocumentModelRegistry.discovered(), replay);
    return new FinalState(streams, view, Snapshots.documents(rebuild.view(), documents), edges,
        Snapshots.edges(rebuild.indexer(), documents), null, unconverged);
  }

  private void parkedStreams(List<String> unconverged) {
    try {
      JsonNode models = parse(send("GET", "/v1/read-models", null, null).body());
      JsonNode list = models.isArray() ? models : models.path("items");
      for (JsonNode model : list) {
        JsonNode parked = model.path("parkedStreams");
        if ((parked.isArray() && !parked.isEmpty()) || (parked.isNumber() && parked.asInt() > 0)) {
          unconverged.add("read model " + model.path("name").asText() + " has parked streams: " + parked);
        }
      }
    } catch (IOException e) {
      unconverged.add("cannot list read models: " + e);
    }
  }

  private static void record(Map<StreamKey, List<StoredOp>> streams, String doc, String scope, List<Operation> ops) {
    if (ops.isEmpty()) {
      return;
    }
    StreamKey key = StreamKey.of(doc, scope, Scopes.MAIN_BRANCH);
    streams.put(key, ops.stream().map(op -> new StoredOp(key, op.index(), op.action().id(), op.action().type(),
        op.action().input(), op.error())).toList());
  }

  private List<Operation> operations(String doc, String scope) {
    List<Operation> ops = new ArrayList<>();
    String cursor = null;
    while (true) {
      String path = "/v1/documents/" + encode(doc) + "/operations?scope=" + scope + "&limit=1000"
          + (cursor != null ? "&cursor=" + encode(cursor) : "");
      HttpResponse<String> response = sendOrFail("GET", path);
      if (response.statusCode() == 404) {
        return ops;
      }
      JsonNode page = parse(response.body());
      for (JsonNode item : page.path("items")) {
        JsonNode action = item.path("action");
        ops.add(new Operation(item.path("id").asText(), item.path("index").asLong(), item.path("skip").asInt(),
            Instant.parse(item.path("timestamp").asText()), item.path("hash").asText(),
            new Action(action.path("id").asText(), action.path("type").asText(), action.path("scope").asText(),
                Instant.parse(action.path("timestamp").asText()), action.get("input"),
                action.path("context").isObject() ? action.get("context") : null),
            item.path("error").isTextual() ? item.path("error").asText() : null));
      }
      cursor = page.path("nextCursor").asText(null);
      if (cursor == null || page.path("nextCursor").isNull()) {
        return ops;
      }
    }
  }

  private DocState liveDocument(String doc) {
    HttpResponse<String> response = sendOrFail("GET", "/v1/documents/" + encode(doc));
    if (response.statusCode() == 404) {
      return DocState.absent();
    }
    JsonNode json = parse(response.body());
    Map<String, Long> revision = new HashMap<>();
    json.path("header").path("revision").properties().forEach(e -> revision.put(e.getKey(), e.getValue().asLong()));
    return new DocState(true, json.path("state").path(Scopes.GLOBAL), revision);
  }

  private Set<String> liveEdges(String doc) {
    HttpResponse<String> response = sendOrFail("GET", "/v1/documents/" + encode(doc)
        + "/relationships?direction=outgoing&type=" + Snapshots.LINK + "&limit=1000");
    return response.statusCode() == 200 ? targets(parse(response.body())) : Set.of();
  }

  // ------------------------------------------------------------------------------------- http

  private HttpResponse<String> send(String method, String path, JsonNode body, String token) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(wait.plus(HTTP_SLACK))
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Quire-Consistency-Token", token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpResponse<String> sendOrFail(String method, String path) {
    try {
      return send(method, path, null, null);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed while collecting the final state: " + e, e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return Json.object();
    }
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return Json.object().put("unparsed", body.length() > 200 ? body.substring(0, 200) : body);
    }
  }

  private static String problemKind(JsonNode json) {
    String type = json.path("type").asText("");
    return type.startsWith("urn:quire:problem:") ? type.substring("urn:quire:problem:".length()) : type;
  }

  private static String detail(JsonNode json) {
    return json.path("detail").asText(json.toString());
  }

  @Override
  public void close() {
    processLock.lock();
    try {
      if (process != null && process.isAlive()) {
        process.destroy(); // SIGTERM: a graceful stop at the end
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      processLock.unlock();
    }
    if (postgres != null) {
      postgres.dropSchema();
    }
  }
}
