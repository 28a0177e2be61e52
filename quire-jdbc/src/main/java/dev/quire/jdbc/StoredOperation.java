package dev.quire.jdbc;

import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;

/**
 * An operation's row as read, its timestamp and action still text. Decoding them (the action's JSON
 * above all) is a quarter of reading a row, and a replay does it on a thread of its own, between
 * the thread that reads the next page and the one that applies the previous (see
 * {@link PrefetchedPages}). The action is its JSON's UTF-8 bytes.
 */
record StoredOperation(
    long ordinal,
    long index,
    int skip,
    String id,
    String documentId,
    String documentType,
    String scope,
    String branch,
    String timestamp,
    String hash,
    byte[] action,
    String error) {

  OperationWithContext decode() {
    Operation operation = new Operation(id, index, skip, OperationRows.parseTimestamp(timestamp), hash,
        OperationRows.action(action), error);
    return new OperationWithContext(operation, documentId, documentType, scope, branch, ordinal, null);
  }
}
