package dev.quire.server.http;

import dev.quire.consistency.ConsistencyToken;
import io.javalin.http.Context;

/**
 * The {@value #HEADER} header: the opaque {@link ConsistencyToken#encode()} string a write answers
 * with and a read sends back to wait for it.
 */
public final class Tokens {

  public static final String HEADER = "Quire-Consistency-Token";

  private Tokens() {}

  /** The request's token, or the empty token when it sent none. */
  static ConsistencyToken fromRequest(Context ctx) {
    String header = ctx.header(HEADER);
    if (header == null || header.isBlank()) {
      return ConsistencyToken.empty();
    }
    try {
      return ConsistencyToken.decode(header);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("bad-token", "Bad consistency token", e.getMessage()).with("header", HEADER);
    }
  }
}
