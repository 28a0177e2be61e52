package dev.quire.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.quire.Reactor;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.StreamKey;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import dev.quire.job.EffectiveHistory;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.store.OperationFilter;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Consistency tokens that work across replicas. A local token names per-replica indexes, which mean
 * nothing elsewhere (and change meaning after a merge), so a cross token names the operations by
 * {@code (document, scope, branch, action id)} instead: {@code qx1.<base64url JSON>}. A replica
 * honours it by waiting until every named action is in its effective history, then turning it into
 * a local token (the local index of each action), which reads wait on as usual, i.e. until indexed.
 */
final class CrossTokens {

  static final String PREFIX = "qx1.";

  /** One named operation. */
  record Ref(String d, String s, String b, String a) {
    StreamKey stream() {
      return StreamKey.of(d, s, b);
    }
  }

  private final Reactor reactor;

  CrossTokens(Reactor reactor) {
    this.reactor = reactor;
  }

  String export(ConsistencyToken token) {
    List<Ref> refs = new ArrayList<>();
    for (ConsistencyCoordinate c : token.coordinates()) {
      StreamKey stream = StreamKey.of(c.documentId(), c.scope(), c.branch());
      Page<Operation> page = reactor.operationStore().getSince(stream, c.operationIndex() - 1, OperationFilter.NONE,
          PageRequest.first(1));
      if (page.items().isEmpty()) {
        throw new IllegalArgumentException("No operation at " + c + " on this replica");
      }
      refs.add(new Ref(c.documentId(), c.scope(), c.branch(), page.items().get(0).action().id()));
    }
    try {
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.mapper().writeValueAsBytes(refs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Ref> decode(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      throw new IllegalArgumentException("Not a cross-replica token (expected prefix " + PREFIX + ")");
    }
    try {
      return Json.mapper().readValue(Base64.getUrlDecoder().decode(token.substring(PREFIX.length())),
          new TypeReference<List<Ref>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("Malformed cross-replica token: " + e.getMessage(), e);
    }
  }

  /** Completes with the local token once every named operation has arrived here. */
  CompletableFuture<ConsistencyToken> await(String token, Duration timeout) {
    List<Ref> refs = decode(token);
    CompletableFuture<ConsistencyToken> result = new CompletableFuture<>();
    Subscription subscription = reactor.events().subscribe(QuireEvents.OPERATIONS_READY, ready -> tryComplete(refs, result));
    result.whenComplete((t, e) -> subscription.unsubscribe());
    tryComplete(refs, result);
    return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tryComplete(List<Ref> refs, CompletableFuture<ConsistencyToken> result) {
    if (result.isDone()) {
      return;
    }
    List<ConsistencyCoordinate> coordinates = new ArrayList<>();
    for (Ref ref : refs) {
      Optional<Long> index = localIndex(ref);
      if (index.isEmpty()) {
        return;
      }
      coordinates.add(new ConsistencyCoordinate(ref.d(), ref.s(), ref.b(), index.get()));
    }
    result.complete(ConsistencyToken.of(Instant.now(), coordinates));
  }

  private Optional<Long> localIndex(Ref ref) {
    List<Operation> raw = reactor.operationStore().readStream(ref.stream(), -1);
    List<Operation> effective = EffectiveHistory.of(raw);
    for (int i = effective.size() - 1; i >= 0; i--) {
      if (effective.get(i).action().id().equals(ref.a())) {
        return Optional.of(effective.get(i).index());
      }
    }
    return Optional.empty();
  }
}
