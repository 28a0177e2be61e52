package dev.quire.sync;

import dev.quire.model.Action;

/**
 * One operation as it travels between replicas.
 *
 * @param ordinal the sender's ordinal of the operation (per replica; used only for the sender's cursor)
 * @param base the action id of the operation right before this one in the sender's effective history
 *     of the stream (null: first of the stream); the receiver's merge starts from it
 * @param hash the sender's state hash after this operation
 * @param origin the node id of the replica where the action was first written
 */
public record WireOperation(String documentId, String documentType, String scope, String branch, long ordinal,
    String base, Action action, String hash, String origin) {

  public String streamKey() {
    return documentId + "|" + scope + "|" + branch;
  }
}
