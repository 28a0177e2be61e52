package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.Json;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies within the configured size limit and checks the shape of their fields. A
 * body over the limit is refused with 413 before it is parsed, whether or not the client sent a
 * {@code Content-Length}.
 */
final class Bodies {

  private Bodies() {}

  /** The body as JSON; null when the body is empty. */
  static JsonNode read(Context ctx, long maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared, maxBytes);
    }
    byte[] bytes = readAtMost(ctx, maxBytes);
    if (bytes.length == 0 || isBlank(bytes)) {
      return null;
    }
    try {
      return Json.mapper().readTree(bytes);
    } catch (IOException e) {
      String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
          ? json.getOriginalMessage()
          : e.getMessage();
      throw ApiProblem.badRequest("malformed-json", "Malformed JSON", message);
    }
  }

  /** The body as a JSON object; 400 when it is missing or not an object. */
  static JsonNode readObject(Context ctx, long maxBytes) {
    JsonNode body = read(ctx, maxBytes);
    if (body == null) {
      throw ApiProblem.badRequest("invalid-body", "Invalid request body", "A JSON object body is required");
    }
    if (!body.isObject()) {
      throw ApiProblem.invalidField("/", "must be a JSON object, got " + body.getNodeType().name().toLowerCase());
    }
    return body;
  }

  /** An optional string member; 400 when present with another type. */
  static String optionalString(JsonNode object, String field, String pointer) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiProblem.invalidField(pointer, "must be a string");
    }
    if (value.textValue().isEmpty()) {
      throw ApiProblem.invalidField(pointer, "must not be empty");
    }
    return value.textValue();
  }

  static String requiredString(JsonNode object, String field, String pointer) {
    String value = optionalString(object, field, pointer);
    if (value == null) {
      throw ApiProblem.invalidField(pointer, "is required");
    }
    return value;
  }

  static ApiProblem tooLarge(long size, long maxBytes) {
    return new ApiProblem(413, "body-too-large", "Request body too large",
        "The body has " + (size < 0 ? "more than " + maxBytes : String.valueOf(size))
            + " bytes; the limit is " + maxBytes)
        .with("limitBytes", maxBytes);
  }

  private static byte[] readAtMost(Context ctx, long maxBytes) {
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(-1, maxBytes);
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body", e);
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }
}
