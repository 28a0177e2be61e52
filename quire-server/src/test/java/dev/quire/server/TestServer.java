package dev.quire.server;

import dev.quire.ReactorBuilder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The server harness: a real {@link QuireServer} on a free loopback port with in-memory storage,
 * and a client for it. Tests that need the storage after the server stopped pass their own.
 *
 * <pre>{@code
 * try (TestServer t = TestServer.start()) {
 *   t.client().get("/health/live");
 * }
 * }</pre>
 */
public final class TestServer implements AutoCloseable {

  private final QuireServer server;
  private final ApiClient client;
  private final StorageFactory.Storage storage;

  private TestServer(QuireServer server, StorageFactory.Storage storage) {
    this.server = server;
    this.storage = storage;
    this.client = new ApiClient(server.url());
  }

  /** Test defaults: port 0 on 127.0.0.1, in memory, 5 s default wait. */
  public static ServerConfig config() {
    return ServerConfig.defaults()
        .withHttp(ServerConfig.Http.defaults().withPort(0))
        .withConsistency(new ServerConfig.Consistency(Duration.ofSeconds(5), Duration.ofSeconds(30)));
  }

  public static TestServer start() {
    return start(UnaryOperator.identity(), builder -> {});
  }

  public static TestServer start(UnaryOperator<ServerConfig> config) {
    return start(config, builder -> {});
  }

  /** @param reactor extra reactor settings (read models, retry policy) applied on top of memory storage */
  public static TestServer start(UnaryOperator<ServerConfig> config, Consumer<ReactorBuilder> reactor) {
    StorageFactory.Storage storage = StorageFactory.Storage.memory(reactor);
    return new TestServer(QuireServer.start(config.apply(config()), storage), storage);
  }

  public QuireServer server() {
    return server;
  }

  public ApiClient client() {
    return client;
  }

  public StorageFactory.Storage storage() {
    return storage;
  }

  @Override
  public void close() {
    server.stop();
  }
}
