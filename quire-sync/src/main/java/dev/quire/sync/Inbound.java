package dev.quire.sync;

import dev.quire.Reactor;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Action;
import dev.quire.model.Ids;
import dev.quire.model.Scopes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Applies operations received from a peer: splits them into per-stream segments (consecutive
 * operations whose bases chain), submits one LOAD job per segment, each after the previous job of
 * its document, and waits until every job is indexed (READ_READY) or failed. A failed segment
 * becomes a {@link DeadLetter}; later segments of that stream (or of that document, when the
 * document scope failed) are dead-lettered behind it without being applied, other documents go on.
 *
 * <p>Concurrency: one apply at a time ({@code lock}), so the pages of two links never interleave
 * their jobs for the same document out of order.
 */
final class Inbound {

  private final Reactor reactor;
  private final SyncStore store;
  private final Consumer<DeadLetter> onDeadLetter;
  private final ReentrantLock lock = new ReentrantLock();

  Inbound(Reactor reactor, SyncStore store, Consumer<DeadLetter> onDeadLetter) {
    this.reactor = reactor;
    this.store = store;
    this.onDeadLetter = onDeadLetter;
  }

  /** What an apply did. */
  record Result(int applied, int deadLettered) {}

  Result apply(String remoteName, String peerNodeId, List<WireOperation> items, Duration timeout)
      throws InterruptedException, TimeoutException {
    lock.lockInterruptibly();
    try {
      return applyLocked(remoteName, peerNodeId, items, timeout);
    } finally {
      lock.unlock();
    }
  }

  private Result applyLocked(String remoteName, String peerNodeId, List<WireOperation> items, Duration timeout)
      throws InterruptedException, TimeoutException {
    List<List<WireOperation>> segments = segments(items);
    Set<String> blockedStreams = new HashSet<>();
    Set<String> blockedDocuments = new HashSet<>();
    for (DeadLetter letter : store.deadLetters()) {
      blockedStreams.add(letter.streamKey());
      if (Scopes.DOCUMENT.equals(letter.scope())) {
        blockedDocuments.add(letter.documentId() + "|" + letter.branch());
      }
    }
    record Submitted(List<WireOperation> segment, String jobId) {}
    List<Submitted> submitted = new ArrayList<>();
    Map<String, String> lastJobOfDocument = new HashMap<>();
    int deadLettered = 0;
    List<List<WireOperation>> toApply = new ArrayList<>();
    for (List<WireOperation> segment : segments) {
      WireOperation first = segment.get(0);
      if (blockedStreams.contains(first.streamKey()) || blockedDocuments.contains(first.documentId() + "|" + first.branch())) {
        deadLetter(remoteName, segment, DeadLetter.Reason.DEPENDS_ON_DEAD_LETTER,
            "Waits behind an earlier dead letter of " + first.streamKey());
        deadLettered += segment.size();
        continue;
      }
      toApply.add(segment);
    }
    // Before the jobs, in one write: once an operation is visible here it must already be known as
    // the peer's, or a push running meanwhile could send it back.
    store.recordReceived(peerNodeId, toApply.stream().flatMap(List::stream)
        .map(op -> new SyncStore.Received(op.streamKey(), op.action().id())).toList());
    for (List<WireOperation> segment : toApply) {
      WireOperation first = segment.get(0);
      List<Action> actions = segment.stream().map(WireOperation::action).toList();
      Map<String, String> hashes = new HashMap<>();
      segment.forEach(op -> {
        if (op.hash() != null) {
          hashes.put(op.action().id(), op.hash());
        }
      });
      String documentKey = first.documentId() + "|" + first.branch();
      String previous = lastJobOfDocument.get(documentKey);
      JobInfo job = reactor.load(first.documentId(), first.branch(), actions, first.base(), hashes,
          previous == null ? List.of() : List.of(previous), Map.of("sync.remote", remoteName));
      lastJobOfDocument.put(documentKey, job.id());
      submitted.add(new Submitted(segment, job.id()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int applied = 0;
    Set<String> failedStreams = new HashSet<>();
    Set<String> failedDocuments = new HashSet<>();
    for (Submitted s : submitted) {
      long remaining = Math.max(1, deadline - System.nanoTime());
      JobInfo info;
      try {
        info = reactor.awaitJob(s.jobId(), Duration.ofNanos(remaining)).get(remaining, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("Waiting for load job " + s.jobId() + " failed: " + e.getCause(), e.getCause());
      }
      WireOperation first = s.segment().get(0);
      if (info.status() == JobStatus.FAILED) {
        DeadLetter.Reason reason;
        String message = info.error() == null ? "failed" : info.error().type() + ": " + info.error().message();
        if (failedStreams.contains(first.streamKey())
            || failedDocuments.contains(first.documentId() + "|" + first.branch())) {
          reason = DeadLetter.Reason.DEPENDS_ON_DEAD_LETTER;
        } else {
          reason = classify(info);
        }
        failedStreams.add(first.streamKey());
        if (Scopes.DOCUMENT.equals(first.scope())) {
          failedDocuments.add(first.documentId() + "|" + first.branch());
        }
        deadLetter(remoteName, s.segment(), reason, message);
        deadLettered += s.segment().size();
      } else {
        applied += s.segment().size();
      }
    }
    return new Result(applied, deadLettered);
  }

  /** Re-applies a dead letter's operations; true when they were applied. */
  boolean retry(DeadLetter letter, Duration timeout) throws InterruptedException, TimeoutException {
    lock.lockInterruptibly();
    try {
      List<WireOperation> segment = letter.operations();
      WireOperation first = segment.get(0);
      JobInfo job = reactor.load(first.documentId(), first.branch(), segment.stream().map(WireOperation::action).toList(),
          first.base(), Map.of(), List.of(), Map.of("sync.remote", letter.remote()));
      JobInfo info = reactor.awaitJob(job.id(), timeout).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return info.status() != JobStatus.FAILED;
    } catch (ExecutionException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void deadLetter(String remoteName, List<WireOperation> segment, DeadLetter.Reason reason, String message) {
    WireOperation first = segment.get(0);
    DeadLetter letter = new DeadLetter(Ids.newId(), remoteName, first.documentId(), first.scope(), first.branch(),
        reason, message, segment, Instant.now());
    store.addDeadLetter(letter);
    onDeadLetter.accept(letter);
  }

  private static DeadLetter.Reason classify(JobInfo info) {
    if (info.error() == null) {
      return DeadLetter.Reason.UNCLASSIFIED;
    }
    String type = info.error().type();
    String message = info.error().message();
    return switch (type) {
      case "UnknownDocumentTypeException" -> DeadLetter.Reason.UNKNOWN_MODEL;
      case "InvalidActionException" -> DeadLetter.Reason.REDUCER_ERROR;
      case "DocumentNotFoundException" -> DeadLetter.Reason.MISSING_DOCUMENT;
      case "LoadConflictException" -> message.startsWith("State hash mismatch")
          ? DeadLetter.Reason.HASH_MISMATCH : DeadLetter.Reason.MISSING_BASE;
      default -> DeadLetter.Reason.UNCLASSIFIED;
    };
  }

  /** Per stream, runs of operations whose bases chain; in the order of their first operation. */
  static List<List<WireOperation>> segments(List<WireOperation> items) {
    List<List<WireOperation>> segments = new ArrayList<>();
    Map<String, List<WireOperation>> open = new LinkedHashMap<>();
    for (WireOperation op : items) {
      List<WireOperation> current = open.get(op.streamKey());
      if (current != null) {
        String lastId = current.get(current.size() - 1).action().id();
        if (lastId.equals(op.base())) {
          current.add(op);
          continue;
        }
      }
      current = new ArrayList<>();
      current.add(op);
      open.put(op.streamKey(), current);
      segments.add(current);
    }
    return segments;
  }
}
