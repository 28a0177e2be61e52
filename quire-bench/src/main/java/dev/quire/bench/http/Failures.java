package dev.quire.bench.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failed requests by kind ({@code "job 500"}, {@code "read HttpTimeoutException"}...) and the first
 * one's detail (its problem JSON), so a run that fails says why instead of only how often.
 *
 * <p>Concurrency: {@link #record} is safe from any thread.
 */
final class Failures {

  private static final int MAX_DETAIL = 2_000;

  private final ConcurrentHashMap<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final AtomicReference<String> first = new AtomicReference<>();

  void record(String kind, String detail) {
    byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    String text = detail == null ? kind : kind + ": " + detail;
    first.compareAndSet(null, text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text);
  }

  /** Failures per kind, sorted by kind. */
  Map<String, Long> byKind() {
    Map<String, Long> counts = new TreeMap<>();
    byKind.forEach((kind, count) -> counts.put(kind, count.sum()));
    return counts;
  }

  /** The first failure recorded since the last {@link #reset}; null when none. */
  String first() {
    return first.get();
  }

  void reset() {
    byKind.clear();
    first.set(null);
  }
}
