package dev.quire.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.readmodel.ReadModel;
import dev.quire.server.ServerConfig;
import dev.quire.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The quire command line, run in-process. */
@Timeout(60)
class QuireCliTest {

  @TempDir
  Path dir;

  /** Exit code and what the command printed. */
  record Run(int code, String out, String err) {}

  static Run quire(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = QuireCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void version_printsTheVersion() {
    Run run = quire("--version");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("quire ");
  }

  @Test
  void help_listsEveryCommand_andEveryCommandHasHelp() {
    Run top = quire("--help");
    assertThat(top.code()).isZero();
    assertThat(top.out()).contains("serve", "migrate", "status", "rebuild");
    for (String command : new String[] {"serve", "migrate", "status", "rebuild"}) {
      Run help = quire(command, "--help");
      assertThat(help.code()).as(command).isZero();
      assertThat(help.out()).as(command).contains("Usage: quire " + command);
    }
    assertThat(quire("serve", "--help").out()).contains("--port", "--bind", "--database", "--data-dir", "--models",
        "--auth-token-file", "--max-body-bytes", "--max-actions", "--default-wait-timeout");
    assertThat(quire("help", "status").out()).contains("--url", "--database");
  }

  @Test
  void benchAndVerify_areMounted_withTheirSubcommandsAndOptions() {
    assertThat(quire("--help").out()).contains("bench", "verify");
    Run bench = quire("bench", "--help");
    assertThat(bench.code()).isZero();
    assertThat(bench.out()).contains("Usage: quire bench", "load", "rebuild");
    Run load = quire("bench", "load", "--help");
    assertThat(load.code()).isZero();
    assertThat(load.out()).contains("Usage: quire bench load", "--duration");
    Run verify = quire("verify", "--help");
    assertThat(verify.code()).isZero();
    assertThat(verify.out()).contains("Usage: quire verify", "--storage", "--duration");
    assertThat(quire("bench", "load", "--duration", "soon").code()).isEqualTo(2);
  }

  @Test
  void serveRemotes_becomeTheSyncConfig_andBadOnesAreRefused() throws Exception {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--remote", "b=http://127.0.0.1:18082", "--remote", "c=https://c.example:443/");
    assertThat(serve.config().sync().remotes()).containsExactly(
        new ServerConfig.RemoteSpec("b", "http://127.0.0.1:18082"),
        new ServerConfig.RemoteSpec("c", "https://c.example:443/"));
    assertThat(quire("serve", "--help").out()).contains("--remote");

    Run noName = quire("serve", "--database", "memory", "--port", "0", "--remote", "http://x:1");
    assertThat(noName.code()).isEqualTo(1);
    assertThat(noName.err()).contains("name=url");
    Run twice = quire("serve", "--database", "memory", "--port", "0", "--remote", "b=http://x:1", "--remote", "b=http://y:1");
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains("unique");
  }

  @Test
  void badOption_isAUsageError() {
    Run run = quire("serve", "--port", "eighty");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--port");
  }

  @Test
  void serveOptions_becomeTheServerConfig() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "  t0ken\n");
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--port", "0", "--bind", "0.0.0.0", "--database", "memory",
        "--auth-token-file", token.toString(), "--max-body-bytes", "5000", "--max-actions", "7",
        "--default-wait-timeout", "1500ms");

    ServerConfig config = serve.config();

    assertThat(config.http().port()).isZero();
    assertThat(config.http().bind()).isEqualTo("0.0.0.0");
    assertThat(config.http().maxBodyBytes()).isEqualTo(5000);
    assertThat(config.http().maxActionsPerRequest()).isEqualTo(7);
    assertThat(config.storage().isMemory()).isTrue();
    assertThat(config.security().authToken()).contains("t0ken");
    assertThat(config.consistency().defaultWaitTimeout()).isEqualTo(Duration.ofMillis(1500));

    ServeCommand defaults = new ServeCommand();
    new CommandLine(defaults).parseArgs();
    ServerConfig byDefault = defaults.config();
    assertThat(byDefault.http().port()).isEqualTo(8080);
    assertThat(byDefault.http().bind()).isEqualTo("127.0.0.1");
    assertThat(byDefault.storage().database()).isNull();
    assertThat(byDefault.storage().dataDir()).isEqualTo(Path.of("./quire-data"));
    assertThat(byDefault.security().authToken()).isEmpty();
  }

  @Test
  void migrate_createsTheSqliteDatabase() {
    Path db = dir.resolve("sub").resolve("q.db");
    Run run = quire("migrate", "--database", "sqlite:" + db);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("Schema up to date");
    assertThat(Files.exists(db)).isTrue();

    Run defaultDir = quire("migrate", "--data-dir", dir.resolve("data").toString());
    assertThat(defaultDir.code()).as(defaultDir.err()).isZero();
    assertThat(Files.exists(dir.resolve("data").resolve("quire.db"))).isTrue();

    assertThat(quire("migrate", "--database", "memory").out()).contains("nothing to migrate");
  }

  @Test
  void status_ofARunningServer_listsReadModels() {
    try (TestServer server = TestServer.start()) {
      server.client().createJson("cli-1");
      Run run = quire("status", "--url", server.server().url());
      assertThat(run.code()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).contains("READY", "document-view", "document-indexer", "CHECKPOINT", "LAG OPS");
    }
  }

  @Test
  void status_withAParkedStream_exits3AndNamesIt() {
    ReadModel failing = new ParkingReadModel();
    try (TestServer server = TestServer.start(c -> c,
        builder -> builder.readModel(failing).retryPolicy(dev.quire.readmodel.RetryPolicy.none()))) {
      server.client().post("/v1/documents?wait=true", "{\"documentType\":\"quire/json\",\"id\":\"stuck\"}");
      Run run = quire("status", "--url", server.server().url());
      assertThat(run.code()).isEqualTo(StatusCommand.NOT_CAUGHT_UP);
      assertThat(run.out()).contains("parked stuck:document:main");
    }
  }

  @Test
  void status_ofADatabase_showsCheckpoints() {
    String url = "sqlite:" + dir.resolve("status.db");
    assertThat(quire("migrate", "--database", url).code()).isZero();
    Run run = quire("status", "--database", url);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("last ordinal 0", "document-view", "document-indexer");
  }

  @Test
  void status_andRebuild_reportUnreachableServersAndProblems() {
    Run unreachable = quire("status", "--url", "http://127.0.0.1:1");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach");

    try (TestServer server = TestServer.start(c -> c.withSecurity(ServerConfig.Security.bearer("tok")))) {
      Run noToken = quire("rebuild", "document-view", "--url", server.server().url());
      assertThat(noToken.code()).isEqualTo(1);
      assertThat(noToken.err()).contains("Unauthorized");
    }
    try (TestServer server = TestServer.start()) {
      Run unsupported = quire("rebuild", "document-view", "--url", server.server().url());
      assertThat(unsupported.code()).isEqualTo(1);
      assertThat(unsupported.err()).contains("Rebuild not supported");
      Run unknown = quire("rebuild", "nope", "--url", server.server().url());
      assertThat(unknown.err()).contains("Read model not found");
    }
  }

  /** Fails every batch, so the coordinator parks the stream at once. */
  static final class ParkingReadModel implements ReadModel {
    private final dev.quire.consistency.ConsistencyTracker tracker = new dev.quire.consistency.ConsistencyTracker("parking");

    @Override
    public String name() {
      return "parking";
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> indexOperations(java.util.List<dev.quire.model.OperationWithContext> ops) {
      return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("always fails"));
    }

    @Override
    public dev.quire.consistency.ConsistencyTracker tracker() {
      return tracker;
    }
  }
}
