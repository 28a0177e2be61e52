package dev.quire.verify.fault;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.store.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An operation store whose appends fail while its switches say so: {@code beforeCommit} fails an
 * append before it reaches the store (nothing written); {@code afterCommit} lets the append commit
 * and then throws, as a database connection lost while the commit's answer travels back would. A
 * lost answer hits a job's first commit only: the connection that dropped is gone, and the job's
 * retry runs on a fresh one (without this, every retry of a job would "lose" its answer for the
 * whole fault window, which no real connection failure does). Reads are never faulted: they are how
 * the harness learns the truth.
 */
public final class FaultyOperationStore implements OperationStore {

  private final OperationStore delegate;
  private final FaultSwitch beforeCommit;
  private final FaultSwitch afterCommit;
  private final java.util.Set<String> answersLost = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public FaultyOperationStore(OperationStore delegate, FaultSwitch beforeCommit, FaultSwitch afterCommit) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.beforeCommit = Objects.requireNonNull(beforeCommit, "beforeCommit");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  public OperationStore delegate() {
    return delegate;
  }

  @Override
  public List<OperationWithContext> append(WriteBatch batch) {
    beforeCommit.check("append of job " + batch.jobId() + " (nothing written)");
    List<OperationWithContext> stored = delegate.append(batch);
    if (afterCommit.failing() && answersLost.add(batch.jobId())) {
      afterCommit.check("append of job " + batch.jobId() + " (committed, answer lost)");
    }
    return stored;
  }

  @Override
  public Page<Operation> getSince(StreamKey stream, long afterIndex, OperationFilter filter, PageRequest page) {
    return delegate.getSince(stream, afterIndex, filter, page);
  }

  @Override
  public List<OperationWithContext> getSinceOrdinal(long afterOrdinal, int limit) {
    return delegate.getSinceOrdinal(afterOrdinal, limit);
  }

  @Override
  public Map<String, Long> getRevisions(String documentId, String branch) {
    return delegate.getRevisions(documentId, branch);
  }

  @Override
  public String documentType(String documentId) {
    return delegate.documentType(documentId);
  }

  @Override
  public long lastOrdinal() {
    return delegate.lastOrdinal();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
