package dev.quire.verify.history;

import dev.quire.consistency.ConsistencyCoordinate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The recorded history of a run: every client operation from its invocation to its completion.
 * Operations still open when the history is read (a client stuck when the run ended) count as
 * {@link Outcome#INFO}: they may or may not have happened.
 *
 * <p>Concurrency: thread-safe; clients record concurrently. Open invocations live in a concurrent
 * map and move to the completed list (guarded by {@code this}) when they complete.
 */
public final class History {

  private final AtomicLong nextId = new AtomicLong();
  private final LongSupplier clock;
  private final Map<Long, Invocation> open = new ConcurrentHashMap<>();
  private final List<Op> completed = new ArrayList<>();
  private final AtomicLong processFaults = new AtomicLong();

  public History() {
    this(System::nanoTime);
  }

  /** A history reading time from {@code clock} (nanoseconds), for tests. */
  public History(LongSupplier clock) {
    this.clock = clock;
  }

  /** Starts recording an operation; complete it with one of the {@link Invocation} methods. */
  public Invocation invoke(String client, OpKind kind, String documentId) {
    Invocation invocation = new Invocation(this, nextId.getAndIncrement(), client, kind, documentId, clock.getAsLong(),
        processFaults.get());
    open.put(invocation.id, invocation);
    return invocation;
  }

  /** Records that a process-level fault (kill, restart) happened now: calls open across it are marked. */
  public void processFault() {
    processFaults.incrementAndGet();
  }

  /** Every operation, in invocation order; open ones as INFO completed now. */
  public List<Op> ops() {
    List<Op> all;
    synchronized (this) {
      all = new ArrayList<>(completed);
    }
    for (Invocation invocation : List.copyOf(open.values())) {
      all.add(invocation.toOp(Outcome.INFO, "OPEN", "still running when the history was read", null, List.of(), null,
          clock.getAsLong()));
    }
    all.sort(Comparator.comparingLong(Op::id));
    return all;
  }

  public synchronized int completedCount() {
    return completed.size();
  }

  private void completed(Invocation invocation, Op op) {
    synchronized (this) {
      completed.add(op);
    }
    open.remove(invocation.id);
  }

  /** An operation in flight. Set what is known, then complete it exactly once. */
  public static final class Invocation {
    private final History history;
    private final long id;
    private final String client;
    private final OpKind kind;
    private final String documentId;
    private final long invokeNanos;
    private final long faultsAtInvoke;
    private String element;
    private long seq;
    private String target;
    private long waitMillis;
    private String jobId;

    private Invocation(History history, long id, String client, OpKind kind, String documentId, long invokeNanos,
        long faultsAtInvoke) {
      this.history = history;
      this.id = id;
      this.client = client;
      this.kind = kind;
      this.documentId = documentId;
      this.invokeNanos = invokeNanos;
      this.faultsAtInvoke = faultsAtInvoke;
    }

    public Invocation element(String value, long sequence) {
      this.element = value;
      this.seq = sequence;
      return this;
    }

    public Invocation target(String value) {
      this.target = value;
      return this;
    }

    public Invocation waitMillis(long value) {
      this.waitMillis = value;
      return this;
    }

    public Invocation jobId(String value) {
      this.jobId = value;
      return this;
    }

    public String jobId() {
      return jobId;
    }

    public Op write(Outcome outcome, String status, String detail, List<ConsistencyCoordinate> token) {
      return finish(outcome, status, detail, jobId, token, null);
    }

    public Op read(String status, List<ConsistencyCoordinate> token, ReadResult result) {
      return finish(Outcome.OK, status, null, null, token, result);
    }

    public Op failedRead(Outcome outcome, String status, String detail, List<ConsistencyCoordinate> token) {
      return finish(outcome, status, detail, null, token, null);
    }

    private Op finish(Outcome outcome, String status, String detail, String job, List<ConsistencyCoordinate> token,
        ReadResult result) {
      Op op = toOp(outcome, status, detail, job, token, result, history.clock.getAsLong());
      history.completed(this, op);
      return op;
    }

    Op toOp(Outcome outcome, String status, String detail, String job, List<ConsistencyCoordinate> token,
        ReadResult result, long now) {
      boolean faulted = history.processFaults.get() != faultsAtInvoke;
      return new Op(id, client, kind, documentId, element, seq, target, invokeNanos, now, outcome, status, detail,
          job != null ? job : jobId, token, waitMillis, faulted, result);
    }
  }
}
