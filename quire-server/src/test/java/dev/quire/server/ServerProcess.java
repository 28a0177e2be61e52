package dev.quire.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code quire serve} child process started from this module's test classpath, on a fixed port
 * and data folder so that it can be killed and restarted as the same server. Readiness is the
 * banner's last line on the child's standard output, not a poll.
 */
final class ServerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String LAST_BANNER_LINE = "  API docs:";

  private final String name;
  private final int port;
  private final Path dataDir;
  private final Path log;
  private final List<String> extraArgs;
  private volatile Process process;

  private ServerProcess(String name, int port, Path dataDir, List<String> extraArgs) {
    this.name = name;
    this.port = port;
    this.dataDir = dataDir;
    this.log = dataDir.resolveSibling(name + ".log");
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a server on SQLite under {@code dataDir} and a free loopback port; returns once it serves. */
  static ServerProcess start(String name, Path dataDir, String... extraArgs) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dataDir);
    ServerProcess server = new ServerProcess(name, port, dataDir, List.of(extraArgs));
    server.launch();
    return server;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  ApiClient client() {
    return new ApiClient(url());
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no drain, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts the server again on the same port and data folder. */
  void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    launch();
  }

  private void launch() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "dev.quire.server.cli.QuireCli", "serve", "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--data-dir", dataDir.toString()));
    command.addAll(extraArgs);
    Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
    process = started;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofVirtual().name("quire-" + name + "-output").start(() -> copyOutput(started, ready));
    try {
      ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      started.destroyForcibly();
      throw new IllegalStateException(name + " did not start: " + e.getMessage() + "; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.destroyForcibly();
      throw new IllegalStateException("Interrupted while starting " + name, e);
    }
  }

  /** Appends the child's output to its log and completes {@code ready} at the banner's last line. */
  private void copyOutput(Process child, CompletableFuture<Void> ready) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
         Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
             StandardOpenOption.APPEND)) {
      out.write("---- start pid " + child.pid() + System.lineSeparator());
      String line;
      while ((line = lines.readLine()) != null) {
        out.write(line);
        out.write(System.lineSeparator());
        out.flush();
        if (line.startsWith(LAST_BANNER_LINE)) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(new IllegalStateException("exited before serving"));
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
    }
  }

  @Override
  public void close() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    }
  }
}
