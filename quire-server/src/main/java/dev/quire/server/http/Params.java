package dev.quire.server.http;

import dev.quire.store.PageRequest;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Query parameters, parsed strictly: a value that does not parse is a 400 naming the parameter. */
final class Params {

  private Params() {}

  static String string(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** Every value of a repeatable parameter, commas also separating values ({@code ids=a,b&ids=c}). */
  static List<String> list(Context ctx, String name) {
    List<String> values = new ArrayList<>();
    for (String raw : ctx.queryParams(name)) {
      for (String part : raw.split(",")) {
        if (!part.isBlank()) {
          values.add(part.trim());
        }
      }
    }
    return values;
  }

  static Set<String> set(Context ctx, String name) {
    return new LinkedHashSet<>(list(ctx, name));
  }

  static boolean flag(Context ctx, String name) {
    String value = string(ctx, name);
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw ApiProblem.invalidParameter(name, "must be true or false, got \"" + value + "\"");
    };
  }

  static long longValue(Context ctx, String name, long defaultValue, long min, long max) {
    String value = string(ctx, name);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiProblem.invalidParameter(name, "must be an integer, got \"" + value + "\"");
    }
    if (parsed < min || parsed > max) {
      throw ApiProblem.invalidParameter(name, "must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  static PageRequest page(Context ctx) {
    int limit = (int) longValue(ctx, "limit", PageRequest.DEFAULT_LIMIT, 1, PageRequest.MAX_LIMIT);
    return new PageRequest(string(ctx, "cursor"), limit);
  }

  /** {@code timeoutMs}, bounded by {@code max}; {@code defaultTimeout} when absent. */
  static Duration timeout(Context ctx, Duration defaultTimeout, Duration max) {
    long millis = longValue(ctx, "timeoutMs", defaultTimeout.toMillis(), 0, max.toMillis());
    return Duration.ofMillis(millis);
  }
}
