package dev.quire.verify.check;

/** The invariants {@link Checker} checks, each with the promise it stands for. */
public enum Invariant {
  WRITES_EXACTLY_ONCE("writes-exactly-once",
      "every acknowledged write is in the store exactly once; a failed write is absent; an unknown one at most once"),
  NO_PHANTOM_WRITES("no-phantom-writes", "the store holds no element no client ever tried to write"),
  STREAMS_CONTIGUOUS("streams-contiguous", "per stream, operation indexes are 0, 1, 2, … without gap or repeat"),
  VIEW_MATCHES_STORE("view-matches-store",
      "the live document view holds, per document, exactly the store's history (items, counters, revisions, deletion)"),
  REBUILD_EQUALS_LIVE("rebuild-equals-live",
      "read models equal a fresh rebuild from the store (document view and relationship index)"),
  SIDE_MODEL_MATCHES_STORE("side-model-matches-store",
      "the fault-injected read model, once recovered, holds exactly the store's items"),
  READS_ARE_PREFIXES("reads-are-prefixes",
      "every read sees a prefix of the document's final history: no phantom, no gap, no reordering, counters consistent"),
  TOKEN_READS_REFLECT_WRITES("token-reads-reflect-writes",
      "a successful read with a token reflects every write the token covers"),
  WAITS_BOUNDED_AND_TYPED("waits-bounded-and-typed",
      "every wait ends within its deadline (plus slack) with a typed outcome"),
  CONVERGED("converged", "after faults stop, nothing stays parked or pending and every token read succeeds");

  private final String label;
  private final String promise;

  Invariant(String label, String promise) {
    this.label = label;
    this.promise = promise;
  }

  public String label() {
    return label;
  }

  public String promise() {
    return promise;
  }
}
