package dev.quire.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.server.ServerConfig;
import dev.quire.server.StorageFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quire status}: read models, lag and parked streams of a running server ({@code --url}), or
 * what a database holds ({@code --database}). Exit code 0 when every read model has caught up and
 * nothing is parked, 3 otherwise, 1 on error.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Shows read models, their lag and parked streams (of a running server), or a database's operation count.")
final class StatusCommand implements Callable<Integer> {

  static final int NOT_CAUGHT_UP = 3;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true)
  Target target = new Target();

  static final class Target {
    @Option(names = "--url", paramLabel = "URL", description = "A running server (default: http://127.0.0.1:8080).")
    String url;

    @Option(names = "--database", paramLabel = "URL", description = "A database: sqlite:<file> or postgresql://...")
    String database;
  }

  @Option(names = "--auth-token-file", paramLabel = "FILE",
      description = "Bearer token for a server started with --auth-token-file (or set QUIRE_AUTH_TOKEN).")
  Path authTokenFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (target.database != null) {
      return database(out);
    }
    String url = target.url != null ? target.url : "http://127.0.0.1:8080";
    AdminClient client = new AdminClient(url, authTokenFile);
    AdminClient.Answer ready = client.get("/health/ready");
    AdminClient.Answer models = client.get("/v1/read-models");
    if (models.status() != 200) {
      spec.commandLine().getErr().println("quire status: " + models.problem());
      return 1;
    }
    String state = ready.body() == null ? "HTTP " + ready.status() : ready.body().path("status").asText();
    out.println("Server " + url + ": " + state + ", last ordinal " + models.body().path("lastOrdinal").asLong()
        + ", chain depth " + models.body().path("chainDepth").asInt());
    out.printf("%-24s %-10s %12s %10s %10s %7s  %s%n", "READ MODEL", "STAGE", "CHECKPOINT", "LAG OPS", "LAG MS",
        "PARKED", "LAST ERROR");
    boolean healthy = ready.status() == 200;
    for (JsonNode model : models.body().path("readModels")) {
      int parked = model.path("parkedStreams").size();
      healthy &= parked == 0 && model.path("lagOperations").asLong() == 0;
      JsonNode error = model.path("lastError");
      out.printf("%-24s %-10s %12d %10d %10d %7d  %s%n", model.path("name").asText(), model.path("stage").asText(),
          model.path("checkpoint").asLong(), model.path("lagOperations").asLong(), model.path("lagMillis").asLong(),
          parked, error.isNull() || error.isMissingNode() ? "-" : error.path("message").asText());
      for (JsonNode stream : model.path("parkedStreams")) {
        out.printf("    parked %s (job %s, %d attempts): %s%n", stream.path("stream").asText(),
            stream.path("jobId").asText(), stream.path("attempts").asInt(),
            stream.path("lastError").path("message").asText());
      }
    }
    out.flush();
    return healthy ? 0 : NOT_CAUGHT_UP;
  }

  private int database(PrintWriter out) {
    StorageFactory.Progress progress = StorageFactory.progress(
        new ServerConfig.Storage(target.database, ServerConfig.Storage.DEFAULT_DATA_DIR, List.of()));
    out.println("Database " + progress.description() + ": last ordinal " + progress.lastOrdinal());
    out.printf("%-24s %12s %10s%n", "READ MODEL", "CHECKPOINT", "LAG OPS");
    boolean caughtUp = true;
    for (var entry : progress.checkpoints().entrySet()) {
      long lag = Math.max(0, progress.lastOrdinal() - entry.getValue());
      caughtUp &= lag == 0;
      out.printf("%-24s %12d %10d%n", entry.getKey(), entry.getValue(), lag);
    }
    out.println("(parked streams live in a running server; use --url for them)");
    out.flush();
    return caughtUp ? 0 : NOT_CAUGHT_UP;
  }
}
