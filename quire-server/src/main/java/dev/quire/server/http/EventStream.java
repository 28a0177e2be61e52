package dev.quire.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.event.EventBus;
import dev.quire.event.EventType;
import dev.quire.event.QuireEvents;
import dev.quire.event.Subscription;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.store.OperationStore;
import dev.quire.sync.SyncEvents;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /v1/events: Server-Sent Events of OPERATION_WRITTEN, OPERATIONS_READY, JOB_FAILED and
 * READ_MODEL_FAILED, and sync's SYNC_PENDING, SYNC_SUCCEEDED, SYNC_FAILED, DEAD_LETTER_ADDED and
 * CONNECTION_STATE_CHANGED ({@link SyncEvents}, the event record as JSON), filtered by
 * {@code documentId} and {@code type}. Sync events that concern no single document are sent only
 * to streams without a {@code documentId} filter.
 *
 * <p>OPERATION_WRITTEN events are read from the operation store by ordinal, never from the bus
 * directly: the bus only wakes the stream up. Each carries its ordinal as the SSE {@code id}, so a
 * client that reconnects with {@code Last-Event-ID} (or {@code ?lastEventId=}) gets every operation
 * after it replayed from the store and then continues live, in ordinal order, with no gap even when
 * jobs commit out of order. The other types are live only and carry no id (a reconnect keeps the
 * last ordinal). Before any live event is sent the stream catches up with the store, so a job's
 * OPERATION_WRITTEN always precedes its OPERATIONS_READY. An operation already in the store but
 * not yet announced on the bus by its job is held back until it is (so it carries its job id);
 * operations no job of this process announces (another process's) go out at the next heartbeat
 * at the latest, without a job id.
 *
 * <p>Concurrency: each connection is served by the request's own (virtual) thread, which alone
 * writes to the response. Bus handlers only put signals on the connection's bounded queue; a client
 * too slow to keep up overflows it and is disconnected, to resume with Last-Event-ID.
 */
public final class EventStream {

  public static final Set<String> TYPES = Set.of(
      QuireEvents.OPERATION_WRITTEN.name(), QuireEvents.OPERATIONS_READY.name(),
      QuireEvents.JOB_FAILED.name(), QuireEvents.READ_MODEL_FAILED.name(),
      SyncEvents.SYNC_PENDING.name(), SyncEvents.SYNC_SUCCEEDED.name(), SyncEvents.SYNC_FAILED.name(),
      SyncEvents.DEAD_LETTER_ADDED.name(), SyncEvents.CONNECTION_STATE_CHANGED.name());

  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final int QUEUE_CAPACITY = 10_000;
  private static final int REPLAY_PAGE = 500;
  private static final int JOB_ID_MEMORY = 10_000;

  private final EventBus bus;
  private final OperationStore store;
  private final Duration heartbeat;
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  public EventStream(EventBus bus, OperationStore store, Duration heartbeat) {
    this.bus = bus;
    this.store = store;
    this.heartbeat = heartbeat;
  }

  /** Serves one connection until the client leaves or {@link #closeAll()}; blocks its thread. */
  void handle(Context ctx) throws IOException {
    String documentId = Params.string(ctx, "documentId");
    Set<String> types = types(ctx);
    long after = lastEventId(ctx);
    if (closed.get()) {
      throw new ApiProblem(503, "shutting-down", "Server shutting down", "The server is shutting down");
    }
    Session session = new Session(documentId, types);
    List<Subscription> subscriptions = session.subscribe();
    sessions.add(session);
    try {
      long start = after >= 0 ? after : store.lastOrdinal();
      ctx.status(200);
      ctx.res().setContentType("text/event-stream;charset=utf-8");
      ctx.res().setHeader("Cache-Control", "no-cache");
      ctx.res().setHeader("X-Accel-Buffering", "no");
      ServletOutputStream out = ctx.res().getOutputStream();
      session.run(out, start);
    } catch (IOException e) {
      log.debug("event stream closed by client documentId={} reason=\"{}\"", documentId, e.getMessage());
    } finally {
      sessions.remove(session);
      subscriptions.forEach(Subscription::unsubscribe);
    }
  }

  /** Ends every open stream (shutdown); new connections are refused with 503. */
  public void closeAll() {
    closed.set(true);
    sessions.forEach(Session::close);
  }

  public int openStreams() {
    return sessions.size();
  }

  private static Set<String> types(Context ctx) {
    Set<String> requested = Params.set(ctx, "type");
    if (requested.isEmpty()) {
      return TYPES;
    }
    for (String type : requested) {
      if (!TYPES.contains(type)) {
        throw ApiProblem.invalidParameter("type", "unknown event type \"" + type + "\"; one of " + TYPES);
      }
    }
    return requested;
  }

  private static long lastEventId(Context ctx) {
    String value = ctx.header("Last-Event-ID");
    String name = "Last-Event-ID";
    if (value == null || value.isBlank()) {
      value = Params.string(ctx, "lastEventId");
      name = "lastEventId";
    }
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiProblem.invalidParameter(name, "must be an event id (an ordinal >= 0) this stream sent, got \"" + value + "\"");
    }
  }

  /** A live event to send, or a control signal. */
  private sealed interface Signal {}

  private record Wake() implements Signal {}

  private record Send(String type, ObjectNode data) implements Signal {}

  private record Close() implements Signal {}

  private static final Signal WAKE = new Wake();
  private static final Signal CLOSE = new Close();

  private final class Session {

    private final String documentId;
    private final Set<String> types;
    private final LinkedBlockingQueue<Signal> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Job ids of recently written ordinals, to label replayed operations; bounded. */
    private final Map<Long, String> jobIds = java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(256, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > JOB_ID_MEMORY;
          }
        });
    /**
     * The highest ordinal the bus announced (OPERATION_WRITTEN). An operation can be visible in the
     * store before its job's thread announces it; a live drain stops before such an operation, so
     * it goes out with its job id once announced instead of without one.
     */
    private final AtomicLong announced = new AtomicLong();
    private volatile boolean overflowed;

    Session(String documentId, Set<String> types) {
      this.documentId = documentId;
      this.types = types;
    }

    List<Subscription> subscribe() {
      List<Subscription> subscriptions = new ArrayList<>();
      if (types.contains(QuireEvents.OPERATION_WRITTEN.name())) {
        subscriptions.add(bus.subscribe(QuireEvents.OPERATION_WRITTEN, event -> {
          for (OperationWithContext op : event.operations()) {
            jobIds.put(op.ordinal(), event.jobId());
            announced.accumulateAndGet(op.ordinal(), Math::max);
          }
          if (wakePending.compareAndSet(false, true)) {
            offer(WAKE);
          }
        }));
      }
      if (types.contains(QuireEvents.OPERATIONS_READY.name())) {
        subscriptions.add(bus.subscribe(QuireEvents.OPERATIONS_READY, event -> {
          // This handler can run before this session's OPERATION_WRITTEN handler for the same job
          // (the read models may finish before the job's thread reaches it): announce the job's
          // operations here too, so the drain before this event sends them, with their job id.
          for (OperationWithContext op : event.operations()) {
            jobIds.putIfAbsent(op.ordinal(), event.jobId());
            announced.accumulateAndGet(op.ordinal(), Math::max);
          }
          List<OperationWithContext> ops = event.operations().stream().filter(this::matches).toList();
          if (!ops.isEmpty()) {
            ObjectNode data = Json.object();
            data.put("jobId", event.jobId());
            ArrayNode positions = data.putArray("operations");
            for (OperationWithContext op : ops) {
              ObjectNode position = Json.object();
              position.put("documentId", op.documentId());
              position.put("scope", op.scope());
              position.put("branch", op.branch());
              position.put("index", op.operation().index());
              position.put("ordinal", op.ordinal());
              positions.add(position);
            }
            offer(new Send(QuireEvents.OPERATIONS_READY.name(), data));
          }
        }));
      }
      if (types.contains(QuireEvents.JOB_FAILED.name())) {
        subscriptions.add(bus.subscribe(QuireEvents.JOB_FAILED, event -> {
          if (documentId == null || documentId.equals(event.documentId())) {
            ObjectNode data = Json.object();
            data.put("jobId", event.jobId());
            data.put("documentId", event.documentId());
            data.set("error", error(event.error()));
            offer(new Send(QuireEvents.JOB_FAILED.name(), data));
          }
        }));
      }
      if (types.contains(QuireEvents.READ_MODEL_FAILED.name())) {
        subscriptions.add(bus.subscribe(QuireEvents.READ_MODEL_FAILED, event -> {
          if (documentId == null || documentId.equals(event.stream().documentId())) {
            ObjectNode data = Json.object();
            data.put("readModel", event.readModel());
            data.put("jobId", event.jobId());
            data.put("stream", event.stream().toString());
            data.put("documentId", event.stream().documentId());
            data.set("error", error(event.error()));
            data.put("attempt", event.attempt());
            data.put("parked", event.parked());
            offer(new Send(QuireEvents.READ_MODEL_FAILED.name(), data));
          }
        }));
      }
      syncEvent(subscriptions, SyncEvents.SYNC_PENDING, e -> null);
      syncEvent(subscriptions, SyncEvents.SYNC_SUCCEEDED, e -> null);
      syncEvent(subscriptions, SyncEvents.SYNC_FAILED, e -> null);
      syncEvent(subscriptions, SyncEvents.CONNECTION_STATE_CHANGED, e -> null);
      syncEvent(subscriptions, SyncEvents.DEAD_LETTER_ADDED, e -> e.deadLetter().documentId());
      return subscriptions;
    }

    /** Forwards a live-only sync event; {@code documentOf} names its document (null: none). */
    private <T> void syncEvent(List<Subscription> subscriptions, EventType<T> type, Function<T, String> documentOf) {
      if (!types.contains(type.name())) {
        return;
      }
      subscriptions.add(bus.subscribe(type, event -> {
        if (documentId == null || documentId.equals(documentOf.apply(event))) {
          offer(new Send(type.name(), Json.mapper().valueToTree(event)));
        }
      }));
    }

    void close() {
      queue.clear();
      queue.offer(CLOSE);
    }

    private void offer(Signal signal) {
      if (!queue.offer(signal)) {
        overflowed = true;
        queue.clear();
        queue.offer(CLOSE);
      }
    }

    private boolean matches(OperationWithContext op) {
      return documentId == null || documentId.equals(op.documentId());
    }

    void run(ServletOutputStream out, long start) throws IOException {
      long last = start;
      write(out, "retry: 1000\n: quire event stream\n\n");
      last = drain(out, last, true);
      while (true) {
        Signal signal;
        try {
          signal = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (signal == null) {
          // Operations no job of this process announces (another process's, on a shared
          // PostgreSQL) go out at the latest here, without a job id.
          last = drain(out, last, true);
          write(out, ": keep-alive\n\n");
        } else if (signal instanceof Close) {
          if (overflowed) {
            log.info("event stream dropped: client too slow documentId={}", documentId);
          }
          return;
        } else if (signal instanceof Wake) {
          wakePending.set(false);
          last = drain(out, last, false);
        } else if (signal instanceof Send send) {
          last = drain(out, last, false);
          write(out, "event: " + send.type() + "\ndata: " + Json.mapper().writeValueAsString(send.data()) + "\n\n");
        }
      }
    }

    /**
     * Sends the stored operations after {@code last}: all of them, or ({@code all} false) up to the
     * first one whose job id is unknown and that the bus has not announced yet. Returns the new
     * last ordinal.
     */
    private long drain(ServletOutputStream out, long last, boolean all) throws IOException {
      if (!types.contains(QuireEvents.OPERATION_WRITTEN.name())) {
        return last;
      }
      while (true) {
        List<OperationWithContext> ops = store.getSinceOrdinal(last, REPLAY_PAGE);
        if (ops.isEmpty()) {
          return last;
        }
        StringBuilder chunk = new StringBuilder();
        boolean held = false;
        for (OperationWithContext op : ops) {
          String jobId = jobIds.get(op.ordinal());
          if (!all && jobId == null && op.ordinal() > announced.get()) {
            held = true;
            break;
          }
          last = Math.max(last, op.ordinal());
          if (!matches(op)) {
            continue;
          }
          ObjectNode data = Json.object();
          data.put("jobId", jobId);
          data.putArray("operations").add(Wire.operation(op));
          chunk.append("id: ").append(op.ordinal())
              .append("\nevent: ").append(QuireEvents.OPERATION_WRITTEN.name())
              .append("\ndata: ").append(Json.mapper().writeValueAsString(data))
              .append("\n\n");
        }
        if (!chunk.isEmpty()) {
          write(out, chunk.toString());
        }
        if (held || ops.size() < REPLAY_PAGE) {
          return last;
        }
      }
    }

    private void write(ServletOutputStream out, String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static ObjectNode error(Throwable error) {
    ObjectNode node = Json.object();
    if (error == null) {
      node.put("type", "Unknown");
      node.put("message", "");
    } else {
      node.put("type", error.getClass().getSimpleName());
      node.put("message", error.getMessage());
    }
    return node;
  }
}
