package dev.quire.sync;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What sync keeps across restarts: the node id, remotes, cursors per remote and direction, where
 * received operations came from (echo suppression) and dead letters. Implementations are
 * thread-safe; every write is durable when the method returns.
 */
public interface SyncStore extends AutoCloseable {

  /** Cursor directions. */
  enum Cursor { PULL, PUSH }

  /** This replica's node id; created once and then stable. */
  String nodeId();

  List<Remote> remotes();

  void putRemote(Remote remote);

  /** Removes the remote and its cursors. */
  void removeRemote(String name);

  long cursor(String remote, Cursor cursor);

  void setCursor(String remote, Cursor cursor, long ordinal);

  /** One operation of a stream, by its action id: what echo suppression remembers. */
  record Received(String streamKey, String actionId) {}

  /** Records, in one durable write, that {@code operations} arrived from node {@code peerNodeId}. */
  void recordReceived(String peerNodeId, Collection<Received> operations);

  /** Which of {@code candidates} arrived from node {@code peerNodeId}. */
  Set<Received> receivedFrom(String peerNodeId, Collection<Received> candidates);

  void addDeadLetter(DeadLetter letter);

  List<DeadLetter> deadLetters();

  Optional<DeadLetter> deadLetter(String id);

  void removeDeadLetter(String id);

  @Override
  default void close() {}
}
