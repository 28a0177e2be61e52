package dev.quire.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads optional text fields of system action inputs with one error wording. */
final class JsonFields {

  private JsonFields() {}

  /** The field's text, or null when absent or JSON null. */
  static String text(String actionType, JsonNode input, String field) {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidActionException(actionType, actionType + " " + field + " must be a string");
    }
    return value.textValue();
  }
}
