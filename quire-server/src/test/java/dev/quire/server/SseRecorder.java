package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a Server-Sent Events stream with {@link HttpResponse.BodyHandlers#fromLineSubscriber} and
 * queues whole events; tests take them with a deadline, never by sleeping.
 */
public final class SseRecorder implements AutoCloseable {

  /** One event; {@code id} null when the server sent none. */
  public record Event(String id, String type, String data) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Void>> response;
  /** Completed with the status when the response headers arrive (the body streams on). */
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private SseRecorder(ApiClient client, String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).header("Accept", "text/event-stream");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse.BodyHandler<Void> handler = info -> {
      status.complete(info.statusCode());
      return HttpResponse.BodySubscribers.fromLineSubscriber(new Lines());
    };
    response = client.http().sendAsync(request.build(), handler);
    response.whenComplete((r, error) -> {
      if (error != null) {
        status.completeExceptionally(error);
      }
      ended.complete(null);
    });
  }

  /** Opens {@code path} and waits (bounded) for the response headers. */
  public static SseRecorder open(ApiClient client, String path, String... headers) throws Exception {
    SseRecorder recorder = new SseRecorder(client, path, headers);
    recorder.status.get(10, TimeUnit.SECONDS);
    return recorder;
  }

  public int status() throws Exception {
    return status.get(10, TimeUnit.SECONDS);
  }

  /** The next event, or fails after {@code timeout}. */
  public Event next(Duration timeout) throws InterruptedException {
    Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + timeout.toMillis() + " ms");
    }
    return event;
  }

  /** Events up to and including the first one matching {@code last}, all within {@code timeout}. */
  public List<Event> until(Predicate<Event> last, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Event> seen = new ArrayList<>();
    while (true) {
      long remaining = deadline - System.nanoTime();
      Event event = events.poll(Math.max(0, remaining), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no matching event within " + timeout.toMillis() + " ms; saw " + seen);
      }
      seen.add(event);
      if (last.test(event)) {
        return seen;
      }
    }
  }

  /** Completes when the server ends the stream. */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  @Override
  public void close() {
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
    response.cancel(true);
  }

  private final class Lines implements Flow.Subscriber<String> {
    private String id;
    private String type;
    private final StringBuilder data = new StringBuilder();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.isEmpty()) {
        if (type != null || !data.isEmpty()) {
          events.add(new Event(id, type == null ? "message" : type, data.toString()));
        }
        id = null;
        type = null;
        data.setLength(0);
      } else if (line.startsWith("id:")) {
        id = line.substring(3).trim();
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(line.substring(5).trim());
      }
    }

    @Override
    public void onError(Throwable throwable) {
      ended.complete(null);
    }

    @Override
    public void onComplete() {
      ended.complete(null);
    }
  }
}
