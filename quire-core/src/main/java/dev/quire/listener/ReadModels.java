package dev.quire.listener;

import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.StreamKey;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadModelCoordinator;
import dev.quire.readmodel.ReadModelStatus;
import dev.quire.readmodel.ReadOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Application-side access to the reactor's read models by name: wait for a consistency token
 * before querying your own view table, and the admin operations (status, retry, skip, reset,
 * rebuild) that combine the coordinator's with a {@link JdbcListenerReadModel}'s.
 *
 * <pre>{@code
 * ReadModels readModels = ReadModels.of(reactor);
 * JobInfo done = reactor.awaitJob(job.id(), timeout).join();
 * readModels.await("test-runs-view", done.tokenOrEmpty(), Duration.ofSeconds(5)).join();
 * // SELECT ... FROM test_runs_view now sees the write
 * }</pre>
 *
 * <p>Thread-safe; holds no state besides the coordinator.
 */
public final class ReadModels {

  private final ReadModelCoordinator coordinator;
  private final Duration defaultTimeout;

  private ReadModels(ReadModelCoordinator coordinator, Duration defaultTimeout) {
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    this.defaultTimeout = ReadGate.requireTimeout(defaultTimeout);
  }

  public static ReadModels of(Reactor reactor) {
    return new ReadModels(reactor.coordinator(), reactor.defaultReadTimeout());
  }

  public static ReadModels of(ReadModelCoordinator coordinator) {
    return new ReadModels(coordinator, ReadGate.DEFAULT_TIMEOUT);
  }

  /**
   * Completes when the read model named {@code name} has committed every position of {@code
   * token} (at once for an empty token); fails with {@code ConsistencyTimeoutException} after
   * {@code timeout}, or {@code ReadModelFailedException} when it parked or holds a stream the token
   * needs.
   *
   * @param timeout null for the reactor's default read timeout
   * @throws IllegalArgumentException when no read model has that name
   */
  public CompletableFuture<Void> await(String name, ConsistencyToken token, Duration timeout) {
    return await(name, new ReadOptions(token, timeout, null));
  }

  /** As {@link #await(String, ConsistencyToken, Duration)}, with a cancellation if the options carry one. */
  public CompletableFuture<Void> await(String name, ReadOptions read) {
    return ReadGate.await(readModel(name).tracker(), read, defaultTimeout);
  }

  /**
   * The registered read model named {@code name}.
   *
   * @throws IllegalArgumentException when there is none
   */
  public ReadModel readModel(String name) {
    Objects.requireNonNull(name, "name");
    for (ReadModel model : coordinator.readModels()) {
      if (model.name().equals(name)) {
        return model;
      }
    }
    throw new IllegalArgumentException("No read model named \"" + name + "\"; registered: "
        + coordinator.readModels().stream().map(ReadModel::name).toList());
  }

  /**
   * The listener read model named {@code name}.
   *
   * @throws IllegalArgumentException when there is none, or it is not a listener
   */
  public JdbcListenerReadModel listener(String name) {
    if (readModel(name) instanceof JdbcListenerReadModel listener) {
      return listener;
    }
    throw new IllegalArgumentException("Read model \"" + name + "\" is not a listener");
  }

  /** The coordinator's view: retries, parked live batches, counts. */
  public ReadModelStatus status(String name) {
    return coordinator.status(name);
  }

  /**
   * Retries {@code stream} for the read model: the coordinator's parked live batch if there is one,
   * and, for a listener, the replay of a held stream. Completes with whether anything was retried.
   */
  public CompletableFuture<Boolean> retry(String name, StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    ReadModel model = readModel(name);
    CompletableFuture<Boolean> held = CompletableFuture.completedFuture(false);
    if (model instanceof JdbcListenerReadModel listener
        && listener.status().heldStreams().stream().anyMatch(h -> h.stream().equals(stream))) {
      held = listener.retry().thenApply(ignored -> true);
    }
    return held.thenApply(retriedHeld -> coordinator.retry(name, stream) || retriedHeld);
  }

  /**
   * Gives up on what {@code stream} is stuck on, for the read model: a listener records the skipped
   * operations as applied (so a restart does not replay them), then the coordinator releases its
   * parked batch. Completes with whether anything was skipped.
   */
  public CompletableFuture<Boolean> skip(String name, StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    ReadModel model = readModel(name);
    CompletableFuture<Boolean> listenerSkip = model instanceof JdbcListenerReadModel listener
        ? listener.skip(stream)
        : CompletableFuture.completedFuture(false);
    return listenerSkip.thenApply(skipped -> coordinator.skip(name, stream) || skipped);
  }

  /** See {@link JdbcListenerReadModel#reset(long)}. */
  public CompletableFuture<Void> reset(String name, long ordinal) {
    return listener(name).reset(ordinal);
  }

  /** See {@link JdbcListenerReadModel#rebuild()}. */
  public CompletableFuture<Void> rebuild(String name) {
    return listener(name).rebuild();
  }
}
