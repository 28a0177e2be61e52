package dev.quire.sync;

import dev.quire.model.Ids;
import java.util.Collection;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SyncStore} in memory: for tests and for replicas whose operation store is in memory too.
 *
 * <p>Concurrency: every method is synchronized; the maps are small and calls are short.
 */
public final class InMemorySyncStore implements SyncStore {

  private final String nodeId;
  private final Map<String, Remote> remotes = new LinkedHashMap<>();
  private final Map<String, Long> cursors = new ConcurrentHashMap<>();
  private final Set<String> received = ConcurrentHashMap.newKeySet();
  private final Map<String, DeadLetter> deadLetters = new LinkedHashMap<>();

  public InMemorySyncStore() {
    this(Ids.newId());
  }

  public InMemorySyncStore(String nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public synchronized List<Remote> remotes() {
    return List.copyOf(remotes.values());
  }

  @Override
  public synchronized void putRemote(Remote remote) {
    remotes.put(remote.name(), remote);
  }

  @Override
  public synchronized void removeRemote(String name) {
    remotes.remove(name);
    for (Cursor c : Cursor.values()) {
      cursors.remove(name + "|" + c);
    }
  }

  @Override
  public long cursor(String remote, Cursor cursor) {
    return cursors.getOrDefault(remote + "|" + cursor, 0L);
  }

  @Override
  public void setCursor(String remote, Cursor cursor, long ordinal) {
    cursors.put(remote + "|" + cursor, ordinal);
  }

  @Override
  public void recordReceived(String peerNodeId, Collection<Received> operations) {
    operations.forEach(op -> received.add(key(peerNodeId, op)));
  }

  @Override
  public Set<Received> receivedFrom(String peerNodeId, Collection<Received> candidates) {
    Set<Received> found = new HashSet<>();
    candidates.stream().filter(op -> received.contains(key(peerNodeId, op))).forEach(found::add);
    return found;
  }

  private static String key(String peerNodeId, Received op) {
    return op.streamKey() + "|" + op.actionId() + "|" + peerNodeId;
  }

  @Override
  public synchronized void addDeadLetter(DeadLetter letter) {
    deadLetters.put(letter.id(), letter);
  }

  @Override
  public synchronized List<DeadLetter> deadLetters() {
    return new ArrayList<>(deadLetters.values());
  }

  @Override
  public synchronized Optional<DeadLetter> deadLetter(String id) {
    return Optional.ofNullable(deadLetters.get(id));
  }

  @Override
  public synchronized void removeDeadLetter(String id) {
    deadLetters.remove(id);
  }
}
