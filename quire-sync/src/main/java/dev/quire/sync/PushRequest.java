package dev.quire.sync;

import java.util.List;

/** Body of a push: the sender's node id, the operations, and the sender ordinal they cover. */
public record PushRequest(String nodeId, List<WireOperation> items, long last) {

  public PushRequest {
    items = List.copyOf(items);
  }
}
