package dev.quire.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one Jackson configuration Quire uses for its own JSON (tokens, states, the wire). */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(factory())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private Json() {}

  /**
   * A new factory of parsers and generators that also recycles buffers on virtual threads. Building
   * one is not cheap: keep it (as {@link #mapper()} and {@code StateHash} do), do not call this per use.
   */
  public static JsonFactory factory() {
    return JsonFactory.builder().recyclerPool(JsonBufferPool.INSTANCE).build();
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}
