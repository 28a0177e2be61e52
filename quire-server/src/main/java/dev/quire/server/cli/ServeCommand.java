package dev.quire.server.cli;

import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import dev.quire.server.QuireServer;
import dev.quire.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire serve}: runs the HTTP API until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Starts the Quire HTTP API.",
      "Storage defaults to SQLite in <data-dir>/quire.db (created on first run).",
      "SIGTERM/SIGINT stop gracefully (in-flight requests and jobs finish, read models drain); a second signal forces."
    })
final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--database", paramLabel = "URL",
      description = "memory, sqlite:<file> or postgresql://host:port/db?user=..&password=.. (default: SQLite under --data-dir).")
  String database;

  @Option(names = "--data-dir", defaultValue = "./quire-data", paramLabel = "DIR",
      description = "Where the embedded database lives (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--durability", defaultValue = "FULL", paramLabel = "FULL|NORMAL",
      description = "What an acknowledged write survives (default: ${DEFAULT-VALUE}). FULL: a power loss "
          + "(SQLite synchronous=FULL, PostgreSQL synchronous_commit=on). NORMAL: a crash of the server but not of the "
          + "machine, faster (SQLite WAL synchronous=NORMAL, PostgreSQL synchronous_commit=off). Ignored by memory.")
  Durability durability;

  @Option(names = "--exclusive",
      description = "PostgreSQL: this server is the only Quire process on the schema (refused while others use it, and "
          + "keeps them out until it stops); token reads are then answered from the rows the view committed, without "
          + "a query. SQLite is always one process per file.")
  boolean exclusive;

  @Option(names = "--remembered-rows", defaultValue = "" + DatabaseConfig.DEFAULT_REMEMBERED_ROWS, paramLabel = "N",
      description = "Document rows the view remembers as it committed them, so writes and token reads of them "
          + "need no query (SQLite, and PostgreSQL with --exclusive; default: ${DEFAULT-VALUE}; 0: none). Raise it "
          + "when more documents than that are written in turn; each remembered row holds its document's state in "
          + "the heap.")
  int rememberedRows;

  @Option(names = "--models", split = ",", paramLabel = "PATH",
      description = "Jars, or folders of jars, with DocumentModel services (META-INF/services/dev.quire.model.DocumentModel).")
  List<Path> models = new ArrayList<>();

  @Option(names = "--auth-token-file", paramLabel = "FILE",
      description = "File holding a bearer token; when set, writes and admin calls need 'Authorization: Bearer <token>'.")
  Path authTokenFile;

  @Option(names = "--max-body-bytes", defaultValue = "1000000",
      description = "Largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(names = "--max-actions", defaultValue = "1000",
      description = "Most actions accepted in one request; more get 413 (default: ${DEFAULT-VALUE}).")
  int maxActions;

  @Option(names = "--default-wait-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long reads with a consistency token and writes with wait=true wait when the request names no timeoutMs (default: ${DEFAULT-VALUE}).")
  Duration defaultWaitTimeout;

  @Option(names = "--retained-jobs", defaultValue = "100000", paramLabel = "N",
      description = "Finished jobs GET /v1/jobs/{id} can still report; the oldest are forgotten first. Fewer "
          + "keep the collector's pauses shorter under load (default: ${DEFAULT-VALUE}).")
  int retainedJobs;

  @Option(names = "--job-retention", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long a finished job stays reportable at most (default: ${DEFAULT-VALUE}).")
  Duration jobRetention;

  @Option(names = "--shutdown-timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long a graceful stop waits for requests and jobs (default: ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  @Option(names = "--remote", paramLabel = "NAME=URL",
      description = {"Another Quire server to replicate with, both ways (repeatable), e.g. --remote b=http://10.0.0.2:8080.",
          "Remotes and their cursors are kept in the database: a restart resumes where it stopped.",
          "Sends this server's --auth-token-file token, if any. More remotes: POST /v1/sync/remotes."})
  List<String> remotes = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ServerConfig config = config();
    QuireServer server = QuireServer.start(config);
    ShutdownSignals.install(server::stop, message -> {
      out.println(message);
      out.flush();
    });
    out.println("Quire " + Version.current() + " listening on " + server.url());
    out.println("  database:  " + server.storageDescription()
        + (config.storage().isMemory() ? "" : " (durability " + config.storage().durability() + ")"));
    out.println("  data dir:  " + (config.storage().isMemory() ? "(none: in memory)"
        : config.storage().dataDir().toAbsolutePath().normalize()));
    out.println("  models:    " + String.join(", ", server.documentTypes()));
    out.println("  auth:      " + (config.security().authToken().isPresent()
        ? "bearer token required for writes and admin (" + authTokenFile + ")" : "off"));
    out.println("  node id:   " + server.sync().nodeId());
    server.sync().list().forEach(r -> out.println("  remote:    " + r.name() + " -> " + r.url()));
    out.println("  API docs:  " + server.url() + "/openapi.json");
    out.flush();
    server.awaitStopped();
    return 0;
  }

  ServerConfig config() throws IOException {
    ServerConfig.Http http = new ServerConfig.Http(bind, port, maxBodyBytes, maxActions, shutdownTimeout);
    ServerConfig.Storage storage = new ServerConfig.Storage(database, dataDir, models, durability, exclusive,
        rememberedRows);
    ServerConfig.Security security = authTokenFile == null
        ? ServerConfig.Security.open()
        : new ServerConfig.Security(Optional.of(readToken(authTokenFile)));
    ServerConfig.Sync sync = new ServerConfig.Sync(remotes.stream().map(ServerConfig.RemoteSpec::parse).toList());
    return new ServerConfig(http, storage, ServerConfig.Consistency.withDefault(defaultWaitTimeout), security, sync,
        new ServerConfig.Jobs(retainedJobs, jobRetention));
  }

  static String readToken(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      throw new IllegalArgumentException("--auth-token-file " + file + " is empty");
    }
    return token;
  }
}
