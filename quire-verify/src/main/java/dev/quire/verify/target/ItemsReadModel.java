package dev.quire.verify.target;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.model.OperationWithContext;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small application read model the harness registers beside the built-in ones: per document, the
 * elements appended to {@code /items}, in stream order. Reads wait for their token on its tracker.
 *
 * <p>{@link Mode#CORRECT} commits (publishes the new lists) and then updates the tracker, skipping
 * replays by per-stream index. The two other modes are deliberate bugs, test doubles that show the
 * checker catches what it claims to: {@link Mode#TRACKER_BEFORE_COMMIT} updates the tracker and
 * reports the batch done first, and applies it a little later, so a token read can answer before
 * the write is visible;
 * {@link Mode#DROP_ONE_IN_A_THOUSAND} loses one operation in a thousand but still reports it indexed.
 *
 * <p>Concurrency: batches apply under {@code lock}; lists are immutable and published through a
 * concurrent map, so queries take no lock.
 */
public final class ItemsReadModel implements ReadModel {

  public static final String NAME = "verify-items";

  /** How the read model behaves. */
  public enum Mode {
    CORRECT,
    TRACKER_BEFORE_COMMIT,
    DROP_ONE_IN_A_THOUSAND
  }

  private static final Duration LATE_COMMIT = Duration.ofMillis(30);

  private final Mode mode;
  private final ConsistencyTracker tracker;
  private final Duration defaultTimeout;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, List<String>> items = new ConcurrentHashMap<>();
  // Guarded by lock.
  private final Map<StreamKey, Long> applied = new HashMap<>();
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public ItemsReadModel(Mode mode, Duration defaultTimeout) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.tracker = new ConsistencyTracker(NAME);
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }

  public Mode mode() {
    return mode;
  }

  /** Operations a {@link Mode#DROP_ONE_IN_A_THOUSAND} model lost on purpose. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    List<ConsistencyCoordinate> coordinates = operations.stream().map(OperationWithContext::coordinate).toList();
    if (mode == Mode.TRACKER_BEFORE_COMMIT) {
      // The bug: readers (and the job's READ_READY) are released before the rows exist.
      tracker.update(coordinates);
      CompletableFuture.runAsync(() -> apply(operations),
          CompletableFuture.delayedExecutor(LATE_COMMIT.toMillis(), TimeUnit.MILLISECONDS));
      return CompletableFuture.completedFuture(null);
    }
    apply(operations);
    tracker.update(coordinates);
    return CompletableFuture.completedFuture(null);
  }

  private void apply(List<OperationWithContext> operations) {
    lock.lock();
    try {
      Map<String, List<String>> changed = new HashMap<>();
      for (OperationWithContext op : operations) {
        Long last = applied.get(op.key());
        if (last != null && last >= op.operation().index()) {
          continue;
        }
        applied.put(op.key(), op.operation().index());
        String element = appendedElement(op);
        if (element == null) {
          continue;
        }
        if (mode == Mode.DROP_ONE_IN_A_THOUSAND && seen.incrementAndGet() % 1000 == 0) {
          dropped.incrementAndGet();
          continue;
        }
        changed.computeIfAbsent(op.documentId(), d -> new ArrayList<>(items.getOrDefault(d, List.of())))
            .add(element);
      }
      changed.forEach((doc, list) -> items.put(doc, List.copyOf(list)));
    } finally {
      lock.unlock();
    }
  }

  /** The document's items once {@code read}'s token is indexed here; empty when it has none. */
  public CompletableFuture<List<String>> items(String documentId, ReadOptions read) {
    Duration timeout = read.timeout() != null ? read.timeout() : defaultTimeout;
    return tracker.waitFor(read.token().coordinates(), timeout, read.cancellation())
        .thenApply(ignored -> items.getOrDefault(documentId, List.of()));
  }

  /** Every document's items, as held now. */
  public Map<String, List<String>> snapshot() {
    return Map.copyOf(items);
  }

  static String appendedElement(OperationWithContext op) {
    var action = op.operation().action();
    if (op.operation().error() != null || !JsonDocumentModel.PATCH.equals(action.type()) || action.input() == null) {
      return null;
    }
    JsonNode first = action.input().path("operations").path(0);
    if (!"add".equals(first.path("op").asText()) || !"/items/-".equals(first.path("path").asText())) {
      return null;
    }
    return first.path("value").asText(null);
  }
}
