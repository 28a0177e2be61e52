package dev.quire.listener;

import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import dev.quire.readmodel.ParkedStream;
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
  private final EventBus bus;
  private final Duration defaultTimeout;

  private ReadModels(ReadModelCoordinator coordinator, EventBus bus, Duration defaultTimeout) {
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    this.bus = Objects.requireNonNull(bus, "bus");
    this.defaultTimeout = ReadGate.requireTimeout(defaultTimeout);
  }

  public static ReadModels of(Reactor reactor) {
    return new ReadModels(reactor.coordinator(), reactor.events(), reactor.defaultReadTimeout());
  }

  /** For a coordinator used without a reactor; {@code bus} is the one it listens on. */
  public static ReadModels of(ReadModelCoordinator coordinator, EventBus bus) {
    return new ReadModels(coordinator, bus, ReadGate.DEFAULT_TIMEOUT);
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
   * Retries {@code stream} for the read model: for a listener, the replay of a held stream; then the
   * coordinator's parked live batch, if there is one. Completes once the retry is over, with
   * whether there was anything to retry; by then waits on the stream no longer fail fast. Fails
   * with the new error when the parked batch fails again (the stream is parked again).
   */
  public CompletableFuture<Boolean> retry(String name, StreamKey stream) {
    Objects.requireNonNull(stream, "stream");
    ReadModel model = readModel(name);
    CompletableFuture<Boolean> held = CompletableFuture.completedFuture(false);
    if (model instanceof JdbcListenerReadModel listener
        && listener.status().heldStreams().stream().anyMatch(h -> h.stream().equals(stream))) {
      held = listener.retry().thenApply(ignored -> true);
    }
    return held.thenCompose(retriedHeld -> retryParked(model, stream)
        .thenApply(retriedParked -> retriedParked || retriedHeld));
  }

  private CompletableFuture<Boolean> retryParked(ReadModel model, StreamKey stream) {
    String name = model.name();
    String jobId = coordinator.status(name).parkedStreams().stream()
        .filter(parked -> parked.stream().equals(stream))
        .map(ParkedStream::jobId)
        .findFirst()
        .orElse(null);
    if (jobId == null) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    // The coordinator emits these synchronously on the thread that ran the retry, before it moves
    // the stream's queue on: clearing the failure mark here cannot undo a later park.
    Subscription indexed = bus.subscribe(QuireEvents.READ_MODEL_INDEXED, event -> {
      if (event.success() && event.readModel().equals(name) && event.jobId().equals(jobId)) {
        model.tracker().clearFailure(stream);
        outcome.complete(true);
      }
    });
    Subscription failed = bus.subscribe(QuireEvents.READ_MODEL_FAILED, event -> {
      if (event.readModel().equals(name) && event.jobId().equals(jobId) && event.stream().equals(stream)) {
        outcome.completeExceptionally(event.error());
      }
    });
    outcome.whenComplete((ignored, error) -> {
      indexed.unsubscribe();
      failed.unsubscribe();
    });
    if (!coordinator.retry(name, stream)) {
      outcome.complete(false); // released meanwhile by someone else
    }
    return outcome;
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
