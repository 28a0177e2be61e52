package dev.quire.store;

/**
 * Where a page starts and how long it is.
 *
 * @param cursor null for the first page, else a previous page's {@code nextCursor}
 */
public record PageRequest(String cursor, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(null, limit);
  }

  public static PageRequest firstDefault() {
    return new PageRequest(null, DEFAULT_LIMIT);
  }
}
