package dev.quire.server;

import dev.quire.jdbc.DatabaseConfig;
import dev.quire.jdbc.Durability;
import java.nio.file.Path;
import dev.quire.job.JobTracker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code quire serve} is configured with, grouped by concern. Built values are validated
 * in the compact constructors and immutable: a bad value fails here, naming the option, instead of
 * being clamped.
 *
 * @param http where and how the HTTP API listens
 * @param storage where operations and read models live
 * @param consistency how long reads and writes wait for read models
 * @param security who may write
 * @param sync remotes to replicate with
 * @param jobs how long finished jobs stay reportable
 */
public record ServerConfig(Http http, Storage storage, Consistency consistency, Security security, Sync sync, Jobs jobs) {

  public ServerConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(consistency, "consistency");
    Objects.requireNonNull(security, "security");
    sync = sync == null ? Sync.none() : sync;
    jobs = jobs == null ? Jobs.defaults() : jobs;
  }

  /** With the default job retention. */
  public ServerConfig(Http http, Storage storage, Consistency consistency, Security security, Sync sync) {
    this(http, storage, consistency, security, sync, Jobs.defaults());
  }

  /** Without remotes configured at start (they can still be added over {@code /v1/sync/remotes}). */
  public ServerConfig(Http http, Storage storage, Consistency consistency, Security security) {
    this(http, storage, consistency, security, Sync.none());
  }

  /** Defaults: 127.0.0.1:8080, in-memory storage, 10 s wait, no auth. Meant for tests and embedding. */
  public static ServerConfig defaults() {
    return new ServerConfig(Http.defaults(), Storage.memory(), Consistency.defaults(), Security.open());
  }

  public ServerConfig withHttp(Http newHttp) {
    return new ServerConfig(newHttp, storage, consistency, security, sync, jobs);
  }

  public ServerConfig withStorage(Storage newStorage) {
    return new ServerConfig(http, newStorage, consistency, security, sync, jobs);
  }

  public ServerConfig withConsistency(Consistency newConsistency) {
    return new ServerConfig(http, storage, newConsistency, security, sync, jobs);
  }

  public ServerConfig withSecurity(Security newSecurity) {
    return new ServerConfig(http, storage, consistency, newSecurity, sync, jobs);
  }

  public ServerConfig withSync(Sync newSync) {
    return new ServerConfig(http, storage, consistency, security, newSync, jobs);
  }

  public ServerConfig withJobs(Jobs newJobs) {
    return new ServerConfig(http, storage, consistency, security, sync, newJobs);
  }

  /**
   * Finished jobs ({@code GET /v1/jobs/{id}}) are kept for {@code retention} and at most
   * {@code retainedFinished} of them, the oldest forgotten first. A smaller count keeps the
   * collector's young pauses shorter under load (docs/benchmarks.md, "Night, continued").
   */
  public record Jobs(int retainedFinished, Duration retention) {

    public Jobs {
      if (retainedFinished < 1) {
        throw new IllegalArgumentException("retainedFinished must be >= 1, got " + retainedFinished);
      }
      requirePositive(retention, "retention");
    }

    public static Jobs defaults() {
      return new Jobs(JobTracker.DEFAULT_MAX_FINISHED, JobTracker.DEFAULT_RETENTION);
    }
  }

  /**
   * Remotes {@code quire serve --remote name=url} names. At start each is added unless a remote of
   * that name is stored already with the same URL (then its cursors resume); a stored remote of that
   * name with another URL is replaced and starts over from ordinal 0. Remotes replicate in both
   * directions and send the server's own bearer token, if any.
   */
  public record Sync(List<RemoteSpec> remotes) {

    public Sync {
      remotes = remotes == null ? List.of() : List.copyOf(remotes);
      long distinct = remotes.stream().map(RemoteSpec::name).distinct().count();
      if (distinct != remotes.size()) {
        throw new IllegalArgumentException("remote names must be unique, got " + remotes);
      }
    }

    public static Sync none() {
      return new Sync(List.of());
    }
  }

  /** One {@code --remote name=url}. */
  public record RemoteSpec(String name, String url) {

    public RemoteSpec {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("remote name must not be empty");
      }
      if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new IllegalArgumentException("remote " + name + ": url must start with http:// or https://, got " + url);
      }
    }

    /** Parses {@code name=url}. */
    public static RemoteSpec parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--remote must be name=url, got \"" + text + "\"");
      }
      return new RemoteSpec(text.substring(0, eq).trim(), text.substring(eq + 1).trim());
    }
  }

  /**
   * @param bind the interface address to listen on
   * @param port 0 picks a free port
   * @param maxBodyBytes larger request bodies are refused with 413
   * @param maxActionsPerRequest larger action lists are refused with 413
   * @param shutdownTimeout how long a graceful stop waits for in-flight requests and jobs
   */
  public record Http(String bind, int port, long maxBodyBytes, int maxActionsPerRequest, Duration shutdownTimeout) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final long DEFAULT_MAX_BODY_BYTES = 1_000_000L;
    public static final int DEFAULT_MAX_ACTIONS = 1_000;

    public Http {
      if (bind == null || bind.isBlank()) {
        throw new IllegalArgumentException("bind must not be empty");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
      }
      if (maxActionsPerRequest < 1) {
        throw new IllegalArgumentException("maxActionsPerRequest must be positive, got " + maxActionsPerRequest);
      }
      requirePositive(shutdownTimeout, "shutdownTimeout");
    }

    public static Http defaults() {
      return new Http(DEFAULT_BIND, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ACTIONS, Duration.ofSeconds(30));
    }

    public Http withPort(int newPort) {
      return new Http(bind, newPort, maxBodyBytes, maxActionsPerRequest, shutdownTimeout);
    }

    public Http withBind(String newBind) {
      return new Http(newBind, port, maxBodyBytes, maxActionsPerRequest, shutdownTimeout);
    }

    public Http withMaxBodyBytes(long newMax) {
      return new Http(bind, port, newMax, maxActionsPerRequest, shutdownTimeout);
    }

    public Http withMaxActionsPerRequest(int newMax) {
      return new Http(bind, port, maxBodyBytes, newMax, shutdownTimeout);
    }
  }

  /**
   * @param database {@code memory}, {@code sqlite:<file>} or {@code postgresql://…}; null for SQLite
   *     under {@code dataDir}
   * @param dataDir where the embedded database lives; created on first run
   * @param modelPaths jars, or folders of jars, with {@code DocumentModel} services to load
   * @param durability what an acknowledged write survives on a database (SQLite {@code synchronous},
   *     PostgreSQL {@code synchronous_commit}); ignored in memory. Null for {@link Durability#FULL}.
   * @param exclusive PostgreSQL: this server is the only Quire process on its schema (refused while
   *     others use it, and keeps them out); its document view then answers token reads from the rows
   *     it committed. SQLite is always one process per file; ignored in memory.
   * @param rememberedRows SQLite and exclusive PostgreSQL: document rows the view remembers as
   *     committed ({@code DatabaseConfig#rememberedRows}); ignored in memory
   */
  public record Storage(String database, Path dataDir, List<Path> modelPaths, Durability durability, boolean exclusive,
      int rememberedRows) {

    public static final String MEMORY = "memory";
    public static final Path DEFAULT_DATA_DIR = Path.of("quire-data");

    public Storage {
      Objects.requireNonNull(dataDir, "dataDir");
      database = database == null || database.isBlank() ? null : database.trim();
      modelPaths = modelPaths == null ? List.of() : List.copyOf(modelPaths);
      durability = durability == null ? Durability.FULL : durability;
      if (rememberedRows < 0) {
        throw new IllegalArgumentException("rememberedRows must not be negative, got " + rememberedRows);
      }
    }

    /** With the view's default row memory. */
    public Storage(String database, Path dataDir, List<Path> modelPaths, Durability durability, boolean exclusive) {
      this(database, dataDir, modelPaths, durability, exclusive, DatabaseConfig.DEFAULT_REMEMBERED_ROWS);
    }

    /** Shared: other Quire processes may use the same PostgreSQL schema. */
    public Storage(String database, Path dataDir, List<Path> modelPaths, Durability durability) {
      this(database, dataDir, modelPaths, durability, false);
    }

    /** With {@link Durability#FULL}: an acknowledged write survives a power loss. */
    public Storage(String database, Path dataDir, List<Path> modelPaths) {
      this(database, dataDir, modelPaths, Durability.FULL);
    }

    public static Storage memory() {
      return new Storage(MEMORY, DEFAULT_DATA_DIR, List.of());
    }

    public boolean isMemory() {
      return MEMORY.equals(database);
    }

    public Storage withModelPaths(List<Path> paths) {
      return new Storage(database, dataDir, paths, durability, exclusive, rememberedRows);
    }

    public Storage withDurability(Durability newDurability) {
      return new Storage(database, dataDir, modelPaths, newDurability, exclusive, rememberedRows);
    }
  }

  /**
   * @param defaultWaitTimeout how long a read with a token, or a write with {@code wait=true}, waits
   *     when the request names no {@code timeoutMs}
   * @param maxWaitTimeout the largest {@code timeoutMs} a request may ask for
   */
  public record Consistency(Duration defaultWaitTimeout, Duration maxWaitTimeout) {

    public Consistency {
      requirePositive(defaultWaitTimeout, "defaultWaitTimeout");
      requirePositive(maxWaitTimeout, "maxWaitTimeout");
      if (maxWaitTimeout.compareTo(defaultWaitTimeout) < 0) {
        throw new IllegalArgumentException(
            "maxWaitTimeout (" + maxWaitTimeout + ") must not be below defaultWaitTimeout (" + defaultWaitTimeout + ")");
      }
    }

    public static Consistency defaults() {
      return new Consistency(Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    public static Consistency withDefault(Duration defaultWaitTimeout) {
      Duration max = Duration.ofMinutes(5);
      return new Consistency(defaultWaitTimeout, defaultWaitTimeout.compareTo(max) > 0 ? defaultWaitTimeout : max);
    }
  }

  /** @param authToken when present, writes and admin calls need {@code Authorization: Bearer <token>} */
  public record Security(Optional<String> authToken) {

    public Security {
      authToken = authToken == null ? Optional.empty() : authToken;
      authToken.ifPresent(token -> {
        if (token.isBlank()) {
          throw new IllegalArgumentException("auth token must not be blank");
        }
      });
    }

    public static Security open() {
      return new Security(Optional.empty());
    }

    public static Security bearer(String token) {
      return new Security(Optional.of(token));
    }
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + duration);
    }
  }
}
