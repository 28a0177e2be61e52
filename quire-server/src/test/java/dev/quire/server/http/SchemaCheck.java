package dev.quire.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of JSON Schema the API document uses: {@code $ref}, {@code anyOf}, {@code type} (one or
 * several), {@code enum}, {@code required}, {@code properties}, {@code additionalProperties} and
 * {@code items}. Enough to prove that answers carry the documented shape.
 */
final class SchemaCheck {

  private SchemaCheck() {}

  static JsonNode resolve(JsonNode root, JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      String ref = current.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalArgumentException("external $ref " + ref);
      }
      current = root.at(ref.substring(1));
      if (current.isMissingNode()) {
        throw new IllegalArgumentException("dangling $ref " + ref);
      }
    }
    return current;
  }

  static void check(JsonNode root, JsonNode schemaNode, JsonNode value, String at, List<String> errors, String context) {
    JsonNode schema = resolve(root, schemaNode);
    if (schema.has("anyOf")) {
      for (JsonNode option : schema.get("anyOf")) {
        List<String> optionErrors = new ArrayList<>();
        check(root, option, value, at, optionErrors, context);
        if (optionErrors.isEmpty()) {
          return;
        }
      }
      errors.add(context + ": " + at + " matches none of anyOf: " + value);
      return;
    }
    if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
      errors.add(context + ": " + at + " should be " + schema.get("type") + " but is " + value.getNodeType() + " " + value);
      return;
    }
    if (schema.has("enum") && !value.isNull()) {
      boolean found = false;
      for (JsonNode allowed : schema.get("enum")) {
        found |= allowed.equals(value);
      }
      if (!found) {
        errors.add(context + ": " + at + " = " + value + " is not in " + schema.get("enum"));
      }
    }
    if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          errors.add(context + ": " + at + " lacks required property " + required.asText());
        }
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        if (properties.has(member.getKey())) {
          check(root, properties.get(member.getKey()), member.getValue(), at + "." + member.getKey(), errors, context);
        } else if (additional.isObject()) {
          check(root, additional, member.getValue(), at + "." + member.getKey(), errors, context);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        check(root, schema.get("items"), value.get(i), at + "[" + i + "]", errors, context);
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode one : type) {
        if (typeMatches(one, value)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> false;
    };
  }
}
