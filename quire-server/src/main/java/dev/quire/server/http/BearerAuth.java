package dev.quire.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Optional bearer-token check for writes, admin calls and sync ({@code /v1/sync/...}). Reads, health, metrics and the OpenAPI
 * document stay open. Tokens are compared in constant time ({@link MessageDigest#isEqual}) so the
 * answer time does not reveal how much of a guess was right.
 */
final class BearerAuth {

  private static final String PREFIX = "Bearer ";

  private final byte[] expected;

  BearerAuth(Optional<String> token) {
    this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  boolean enabled() {
    return expected != null;
  }

  /** Throws 401 when the request needs the token and does not carry it. */
  void check(Context ctx) {
    if (expected == null || !needsToken(ctx.method().name(), ctx.path())) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new ApiProblem(401, "unauthorized", "Unauthorized",
          "This endpoint needs an Authorization: Bearer <token> header");
    }
    byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      throw new ApiProblem(401, "unauthorized", "Unauthorized", "The bearer token is not valid");
    }
  }

  static boolean needsToken(String method, String path) {
    // Sync moves every document and administers remotes: all of it is privileged.
    if (path.startsWith("/v1/read-models") || path.startsWith("/v1/sync/")) {
      return true;
    }
    boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    return !read && path.startsWith("/v1/");
  }
}
