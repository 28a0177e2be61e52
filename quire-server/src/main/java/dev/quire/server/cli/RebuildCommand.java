package dev.quire.server.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire rebuild <read-model>}: asks a running server to rebuild one read model from the store. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Rebuilds a read model of a running server from the operation store (POST /v1/read-models/{name}/rebuild).")
final class RebuildCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "READ-MODEL", description = "e.g. document-view or document-indexer")
  String readModel;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
      description = "The running server (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--wait", description = "Wait until the rebuilt read model is live (bounded by --timeout).")
  boolean wait;

  @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  java.time.Duration timeout;

  @Option(names = "--auth-token-file", paramLabel = "FILE",
      description = "Bearer token for a server started with --auth-token-file (or set QUIRE_AUTH_TOKEN).")
  Path authTokenFile;

  @Override
  public Integer call() throws Exception {
    AdminClient client = new AdminClient(url, authTokenFile);
    String path = "/v1/read-models/" + URLEncoder.encode(readModel, StandardCharsets.UTF_8).replace("+", "%20")
        + "/rebuild" + (wait ? "?wait=true&timeoutMs=" + timeout.toMillis() : "");
    AdminClient.Answer answer = client.post(path, timeout.plusSeconds(10));
    if (answer.status() / 100 != 2) {
      spec.commandLine().getErr().println("quire rebuild: " + answer.problem());
      return 1;
    }
    spec.commandLine().getOut().println(wait
        ? String.format(Locale.ROOT, "Rebuilt %s in %.1f s; checkpoint %d", readModel,
            answer.body().path("rebuildMs").asLong() / 1000.0, answer.body().path("checkpoint").asLong())
        : "Rebuild of " + readModel + " started; follow it with 'quire status --url " + url + "'");
    return 0;
  }
}
