package dev.quire.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.Ids;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Terse builders for operations, actions and batches in tests.
 *
 * <p>Timestamps are whole seconds from {@link #BASE_TIME} (the operation at index {@code i} is at
 * {@code BASE_TIME + i s}), so they survive any store's timestamp precision.
 */
public final class Operations {

  public static final Instant BASE_TIME = Instant.parse("2026-01-01T00:00:00Z");
  public static final String TYPE = "TEST_ACTION";
  public static final String DOCUMENT_TYPE = "quire/test";

  private Operations() {}

  /** A builder for the operation at {@code index}, with a random id and action type {@link #TYPE}. */
  public static Builder op(long index) {
    return new Builder(index);
  }

  /** The operation at {@code index} with defaults. */
  public static Operation operation(long index) {
    return op(index).build();
  }

  /** {@code count} default operations at indexes {@code from, from + 1, ...}. */
  public static List<Operation> operations(long from, int count) {
    List<Operation> operations = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      operations.add(operation(from + i));
    }
    return operations;
  }

  public static Action action(String type, String scope, JsonNode input) {
    return new Action(Ids.newId(), type, scope, BASE_TIME, input, null);
  }

  public static Action action(String type, JsonNode input) {
    return action(type, Scopes.GLOBAL, input);
  }

  public static StreamKey stream(String documentId) {
    return StreamKey.of(documentId, Scopes.GLOBAL, Scopes.MAIN_BRANCH);
  }

  /** An append of {@code operations} to {@code stream} at the first operation's index. */
  public static StreamAppend append(StreamKey stream, List<Operation> operations) {
    return new StreamAppend(stream, DOCUMENT_TYPE, operations.get(0).index(), operations);
  }

  public static StreamAppend append(StreamKey stream, Operation... operations) {
    return append(stream, List.of(operations));
  }

  public static WriteBatch batch(StreamAppend... appends) {
    return new WriteBatch(Ids.newId(), List.of(appends));
  }

  /** Builds one operation; every setter is optional. */
  public static final class Builder {

    private final long index;
    private String id = Ids.newId();
    private int skip;
    private Instant timestamp;
    private String hash;
    private String type = TYPE;
    private String scope = Scopes.GLOBAL;
    private String actionId = Ids.newId();
    private JsonNode input;
    private JsonNode context;
    private String error;

    private Builder(long index) {
      this.index = index;
      this.timestamp = BASE_TIME.plusSeconds(index);
      this.hash = "hash-" + index;
      this.input = Json.object().put("index", (int) index);
    }

    public Builder id(String value) {
      this.id = value;
      return this;
    }

    public Builder skip(int value) {
      this.skip = value;
      return this;
    }

    public Builder timestamp(Instant value) {
      this.timestamp = value;
      return this;
    }

    public Builder hash(String value) {
      this.hash = value;
      return this;
    }

    public Builder type(String value) {
      this.type = value;
      return this;
    }

    public Builder scope(String value) {
      this.scope = value;
      return this;
    }

    public Builder actionId(String value) {
      this.actionId = value;
      return this;
    }

    public Builder input(JsonNode value) {
      this.input = value;
      return this;
    }

    public Builder context(JsonNode value) {
      this.context = value;
      return this;
    }

    public Builder error(String value) {
      this.error = value;
      return this;
    }

    public Action action() {
      return new Action(actionId, type, scope, timestamp, input, context);
    }

    public Operation build() {
      return new Operation(id, index, skip, timestamp, hash, action(), error);
    }
  }
}
