package dev.quire.server.cli;

import dev.quire.server.ServerConfig;
import dev.quire.server.StorageFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire migrate}: creates or upgrades the database schema, then exits. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Creates or upgrades the Quire schema of a database (serve also does this on start).")
final class MigrateCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--database", paramLabel = "URL",
      description = "sqlite:<file> or postgresql://host:port/db?user=..&password=.. (default: SQLite under --data-dir).")
  String database;

  @Option(names = "--data-dir", defaultValue = "./quire-data", paramLabel = "DIR",
      description = "Where the embedded database lives (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() {
    String description = StorageFactory.migrate(new ServerConfig.Storage(database, dataDir, List.of()));
    spec.commandLine().getOut().println("Schema up to date: " + description);
    return 0;
  }
}
