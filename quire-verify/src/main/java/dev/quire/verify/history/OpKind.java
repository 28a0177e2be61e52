package dev.quire.verify.history;

/** What a client operation did. Writes change the store; reads observe a read model. */
public enum OpKind {
  /** Creates a {@code quire/json} document whose global state is {@code {items: [], counters: {}}}. */
  CREATE,
  /** One job: PATCH add a unique element to {@code /items}, then SET {@code /counters/<client>} to its sequence. */
  APPEND,
  /** Deletes a document (no cascade). */
  DELETE,
  /** Adds the edge documentId → target of type {@code link}. */
  ADD_EDGE,
  /** Removes the edge documentId → target of type {@code link}. */
  REMOVE_EDGE,
  /** Reads a document from the document view, with or without a token. */
  READ_DOC,
  /** Reads a document's outgoing {@code link} edges from the relationship index. */
  READ_EDGES,
  /** Reads a document's items from the fault-injected side read model. */
  READ_ITEMS;

  public boolean isWrite() {
    return this == CREATE || this == APPEND || this == DELETE || this == ADD_EDGE || this == REMOVE_EDGE;
  }

  public boolean isEdgeWrite() {
    return this == ADD_EDGE || this == REMOVE_EDGE;
  }
}
