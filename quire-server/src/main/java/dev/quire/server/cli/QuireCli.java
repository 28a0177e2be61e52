package dev.quire.server.cli;

import dev.quire.bench.BenchMain;
import dev.quire.verify.VerifyMain;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quire} command: {@code serve}, {@code migrate}, {@code status}, {@code rebuild}, and
 * {@code bench} (quire-bench's load/rebuild benchmarks) and {@code verify} (quire-verify's harness).
 * Every command answers {@code --help}; {@code quire --version} prints the version.
 */
@Command(
    name = "quire",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Quire: a read-model consistency engine with an HTTP API.",
    subcommands = {
      ServeCommand.class,
      MigrateCommand.class,
      StatusCommand.class,
      RebuildCommand.class,
      CommandLine.HelpCommand.class
    })
public final class QuireCli implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    // serve returns only after a graceful stop; the exit code is the command's.
    System.exit(code);
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new QuireCli());
    // Mounted here, not in @Command: they come from other modules with their own converters.
    commandLine.addSubcommand("bench", BenchMain.commandLine());
    commandLine.addSubcommand("verify", new CommandLine(new VerifyMain()));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      cmd.getErr().println("quire " + cmd.getCommandName() + ": " + message(e));
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String message(Throwable e) {
    Throwable current = e;
    while (current.getCause() != null && current.getMessage() == null) {
      current = current.getCause();
    }
    return current.getMessage() != null ? current.getMessage() : current.toString();
  }
}
