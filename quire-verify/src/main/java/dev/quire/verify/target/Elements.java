package dev.quire.verify.target;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Canonical instances of element strings, so the thousands of reads that each hold a document's
 * item list share one copy of every element instead of one per read.
 */
public final class Elements {

  private static final ConcurrentHashMap<String, String> CANONICAL = new ConcurrentHashMap<>();

  private Elements() {}

  public static String canonical(String element) {
    String existing = CANONICAL.putIfAbsent(element, element);
    return existing != null ? existing : element;
  }
}
