package dev.quire.verify.target;

import dev.quire.consistency.ConsistencyToken;
import dev.quire.verify.check.FinalState;
import dev.quire.verify.fault.FaultKind;
import dev.quire.verify.history.History;
import dev.quire.verify.history.Op;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The system under test, as the workload's clients and the fault scheduler see it: an embedded
 * {@code Reactor} or a {@code quire serve} process over HTTP. Every call completes the invocation it
 * is given (with the typed outcome it observed) and returns the recorded operation; none throws.
 */
public interface Target extends AutoCloseable {

  /** What runs, for the report: storage, process model. */
  String description();

  Op create(History.Invocation call, String documentId);

  /** One job: PATCH add {@code element} to {@code /items}, then SET {@code /counters/<client>} to {@code seq}. */
  Op append(History.Invocation call, String documentId, String client, String element, long seq);

  Op delete(History.Invocation call, String documentId);

  Op edge(History.Invocation call, boolean add, String sourceId, String targetId);

  Op readDocument(History.Invocation call, String documentId, ConsistencyToken token);

  Op readEdges(History.Invocation call, String documentId, ConsistencyToken token);

  /** Whether {@link #readItems} reads a separate, fault-injected application read model. */
  boolean hasSideModel();

  Op readItems(History.Invocation call, String documentId, ConsistencyToken token);

  /** The faults this target can inject. */
  Set<FaultKind> supportedFaults();

  /**
   * Starts fault {@code kind} now for about {@code length} (process faults may take their own
   * time); returns what was done, for the report.
   */
  String inject(FaultKind kind, Duration length, Random random);

  /** Called after a fault window ended: recover what needs a push (retry parked streams, restart). */
  void recover();

  /**
   * Ends every fault, lets the system converge (at most {@code timeout}), reads every document of
   * {@code documents} once more with {@code tokens} (recorded in {@code history} as client
   * {@code final}), and collects the final state.
   */
  FinalState settle(History history, Collection<String> documents, Map<String, ConsistencyToken> tokens,
      Duration timeout);

  @Override
  void close();
}
