package dev.quire.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.DocumentDeletedException;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.DocumentScopeState;
import dev.quire.model.Ids;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.StateHash;
import dev.quire.model.SystemActions;
import dev.quire.model.UpgradeDocumentInput;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.PageRequest;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the write phase of one job: reduces each action against the document's head state, then
 * appends everything the job produced as ONE {@link WriteBatch} (all streams or none).
 *
 * <p><b>System actions</b> (scope {@code document}) are reduced by {@link DocumentScopeState}:
 * CREATE_DOCUMENT (index 0 of the document stream; the document must not exist yet on the branch),
 * DELETE_DOCUMENT (after it, the document refuses every action: {@link DocumentDeletedException}),
 * ADD/REMOVE/UPDATE_RELATIONSHIP (written on the source document, which must exist and be live; the
 * target need not exist; self-relationships and missing fields are refused by {@link
 * RelationshipInput}), and UPGRADE_DOCUMENT. An UPGRADE that replaces a scope's state is only
 * accepted while that scope has no operation yet: the replacement then is the scope's base state,
 * which a replay from the store can reproduce without knowing how streams interleave.
 *
 * <p><b>Model actions</b> go to the document's {@link DocumentModel}; any reducer failure fails the
 * job deterministically ({@link InvalidActionException}), and nothing of the job is written.
 *
 * <p><b>Write-side cache:</b> the latest state and next index of every scope of a document branch,
 * updated after each successful append. On a miss (first use, eviction, or after any failed append,
 * which drops the entry) the head is rebuilt from the {@link OperationStore} by replaying every
 * operation through the model: correctness first. A {@link dev.quire.store.RevisionMismatchException}
 * (someone else appended) therefore rebuilds from the store on the retry.
 *
 * <p>Concurrency: thread-safe as long as the caller never runs two jobs of one document at once,
 * which the {@link JobQueue} guarantees. Cache entries are immutable and replaced whole.
 */
public final class JobExecutor {

  /** Document branches whose head is cached; beyond this, arbitrary entries are dropped. */
  public static final int DEFAULT_MAX_CACHED = 100_000;

  private final OperationStore store;
  private final DocumentModelRegistry models;
  private final int maxCached;
  private final ConcurrentHashMap<DocumentBranch, Head> cache = new ConcurrentHashMap<>();

  public JobExecutor(OperationStore store, DocumentModelRegistry models) {
    this(store, models, DEFAULT_MAX_CACHED);
  }

  public JobExecutor(OperationStore store, DocumentModelRegistry models, int maxCached) {
    this.store = Objects.requireNonNull(store, "store");
    this.models = Objects.requireNonNull(models, "models");
    if (maxCached < 1) {
      throw new IllegalArgumentException("maxCached must be >= 1, got " + maxCached);
    }
    this.maxCached = maxCached;
  }

  /**
   * Executes {@code job}: returns what it wrote, each operation with its ordinal and the resulting
   * state of its scope, or an empty list when the job had nothing to write. Returns only after the
   * store's append returned, i.e. once the operations are durable.
   *
   * @throws InvalidActionException, DocumentNotFoundException, DocumentDeletedException,
   *     dev.quire.model.UnknownDocumentTypeException deterministic refusals (nothing written)
   * @throws dev.quire.store.RevisionMismatchException when another writer appended first (transient)
   */
  public List<OperationWithContext> execute(Job job) {
    if (job.kind() == JobKind.LOAD) {
      return executeLoad(job);
    }
    DocumentBranch key = new DocumentBranch(job.documentId(), job.branch());
    Head head = cache.get(key);
    if (head == null) {
      head = load(job.documentId(), job.branch());
      if (head != null) {
        List<OperationWithContext> written = alreadyWritten(job, head);
        if (written != null) {
          return written;
        }
      }
    }
    Working working = new Working(head);
    List<Pending> pending = new ArrayList<>(job.actions().size());
    for (Action action : job.actions()) {
      pending.add(apply(working, job, action));
    }
    return commit(job, key, working, pending);
  }

  /**
   * Runs {@code actions} against the latest written state of a document branch without writing
   * anything: the same checks and reducers as a job, so a caller can refuse a write before it
   * queues it. The document must exist and be live even when {@code actions} is empty. A job
   * queued afterwards can still fail when another job writes the document first.
   *
   * <p>Uses the cached head, or rebuilds it from the store without caching it (a head cached from
   * here could overwrite a newer one a job just cached).
   *
   * @throws DocumentNotFoundException when the branch has no operation of the document
   * @throws DocumentDeletedException when the document is deleted
   * @throws InvalidActionException when an action is refused
   */
  public void check(String documentId, String branch, List<Action> actions) {
    Head head = cache.get(new DocumentBranch(documentId, branch));
    if (head == null) {
      head = load(documentId, branch);
    }
    Job probe = new Job("check", JobKind.MUTATION, documentId, branch, actions, List.of(), Map.of(), Instant.now());
    Working working = new Working(head);
    requireLive(working, probe);
    for (Action action : actions) {
      apply(working, probe, action);
    }
  }

  /**
   * An append can commit and still report a failure (a connection dropped during commit): the job
   * is retried and would then re-apply its actions on top of themselves. Operation ids are derived
   * from the action ids, so a retry whose operations already stand at the head of every stream it
   * writes is recognised here: the same operations are replayed to the store, which answers an
   * exact replay idempotently with the stored operations and their ordinals, and the job finishes
   * as written. Checked only when the head came from the store (after a failure the cached head is
   * dropped), so the normal path costs nothing.
   *
   * @return the stored operations, or null when the job has not been written
   */
  private List<OperationWithContext> alreadyWritten(Job job, Head head) {
    if (job.actions().isEmpty() || job.actions().size() > PageRequest.MAX_LIMIT) {
      return null;
    }
    Map<String, List<Action>> byScope = new LinkedHashMap<>();
    for (Action action : job.actions()) {
      byScope.computeIfAbsent(action.scope(), s -> new ArrayList<>()).add(action);
    }
    List<StreamAppend> appends = new ArrayList<>(byScope.size());
    for (Map.Entry<String, List<Action>> scope : byScope.entrySet()) {
      ScopeHead scopeHead = head.scopes().get(scope.getKey());
      int count = scope.getValue().size();
      if (scopeHead == null || scopeHead.nextIndex() < count) {
        return null;
      }
      long first = scopeHead.nextIndex() - count;
      StreamKey stream = StreamKey.of(job.documentId(), scope.getKey(), job.branch());
      List<Operation> tail = store.getSince(stream, first - 1, OperationFilter.NONE, PageRequest.first(count)).items();
      if (tail.size() != count) {
        return null;
      }
      for (int i = 0; i < count; i++) {
        String expectedId = Ids.operationId(job.documentId(), scope.getKey(), job.branch(), scope.getValue().get(i).id());
        if (!tail.get(i).id().equals(expectedId) || tail.get(i).index() != first + i) {
          return null;
        }
      }
      appends.add(new StreamAppend(stream, head.documentType(), first, tail));
    }
    // Read models re-reduce the resulting states (null) from their snapshots.
    return List.copyOf(store.append(new WriteBatch(job.id(), appends)));
  }

  private List<OperationWithContext> commit(Job job, DocumentBranch key, Working working, List<Pending> pending) {
    if (pending.isEmpty()) {
      return List.of();
    }
    Map<String, List<Pending>> byScope = new LinkedHashMap<>();
    for (Pending p : pending) {
      byScope.computeIfAbsent(p.scope, s -> new ArrayList<>()).add(p);
    }
    List<StreamAppend> appends = new ArrayList<>(byScope.size());
    List<Pending> inBatchOrder = new ArrayList<>(pending.size());
    for (Map.Entry<String, List<Pending>> scope : byScope.entrySet()) {
      List<Operation> operations = new ArrayList<>(scope.getValue().size());
      for (Pending p : scope.getValue()) {
        operations.add(p.operation);
        inBatchOrder.add(p);
      }
      long expected = scope.getValue().get(0).operation.index();
      appends.add(new StreamAppend(StreamKey.of(job.documentId(), scope.getKey(), job.branch()),
          working.documentType, expected, operations));
    }
    List<OperationWithContext> stored;
    try {
      stored = store.append(new WriteBatch(job.id(), appends));
    } catch (RuntimeException | Error e) {
      // The head may be stale (another writer) or the append may have half-failed: rebuild next time.
      cache.remove(key);
      throw e;
    }
    if (stored.size() != inBatchOrder.size()) {
      cache.remove(key);
      throw new IllegalStateException("Store returned " + stored.size() + " operations for a batch of "
          + inBatchOrder.size() + " (job " + job.id() + ")");
    }
    List<OperationWithContext> result = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      result.add(stored.get(i).withResultingState(inBatchOrder.get(i).resultingState));
    }
    putCached(key, working.toHead());
    return List.copyOf(result);
  }

  /**
   * Meta key of a {@link JobKind#LOAD} job: the action id of the sender's effective operation right
   * before the loaded ones (absent or empty: they start the stream).
   */
  public static final String LOAD_BASE = "load.base";

  /** Meta key prefix of a LOAD job: {@code load.hash.<actionId>} = the sender's state hash after it. */
  public static final String LOAD_HASH_PREFIX = "load.hash.";

  /**
   * A LOAD job carries operations written elsewhere, for ONE stream (all actions in one scope), in
   * the sender's effective order after {@link #LOAD_BASE}. Applied by {@link MergeRule}: a no-op
   * when they are already here (idempotent by action id), appended when they extend the local
   * history, merged deterministically when the two histories diverged.
   */
  private List<OperationWithContext> executeLoad(Job job) {
    if (job.actions().isEmpty()) {
      return List.of();
    }
    String scope = job.actions().get(0).scope();
    for (Action action : job.actions()) {
      if (!scope.equals(action.scope())) {
        throw new InvalidJobException(job.documentId(), "A load job carries one stream; got scopes " + scope + " and "
            + action.scope() + " for document " + job.documentId());
      }
    }
    StreamKey stream = StreamKey.of(job.documentId(), scope, job.branch());
    List<Operation> raw = store.readStream(stream, -1);
    List<Operation> effective = EffectiveHistory.of(raw);
    String base = job.meta().get(LOAD_BASE);
    int baseAt = -1;
    if (base != null && !base.isEmpty()) {
      for (int i = effective.size() - 1; i >= 0; i--) {
        if (effective.get(i).action().id().equals(base)) {
          baseAt = i;
          break;
        }
      }
      if (baseAt < 0) {
        throw new LoadConflictException(LoadConflictException.Reason.MISSING_BASE, stream, base,
            "Load for " + stream + " builds on action " + base + ", which this replica does not have");
      }
    }
    List<Action> local = new ArrayList<>(effective.size() - baseAt - 1);
    for (int i = baseAt + 1; i < effective.size(); i++) {
      local.add(effective.get(i).action());
    }
    MergeRule.Plan plan = MergeRule.plan(local, job.actions());
    if (plan.isNoOp()) {
      return List.of();
    }
    DocumentBranch key = new DocumentBranch(job.documentId(), job.branch());
    Head head = cache.get(key);
    long rawNext = nextIndexOf(raw);
    if (head == null || head.scopes().get(scope) == null || head.scopes().get(scope).nextIndex() != rawNext) {
      head = load(job.documentId(), job.branch());
    }
    Working working = new Working(head);
    List<Pending> pending = new ArrayList<>(plan.append().size());
    if (!plan.isMerge()) {
      for (Action action : plan.append()) {
        Pending p = apply(working, job, action);
        String expected = job.meta().get(LOAD_HASH_PREFIX + action.id());
        if (plan.extendsLocal() && expected != null && !expected.equals(p.operation.hash())) {
          throw new LoadConflictException(LoadConflictException.Reason.HASH_MISMATCH, stream, action.id(),
              "State hash mismatch on " + stream + " after action " + action.id() + ": sender has " + expected
                  + ", this replica computed " + p.operation.hash());
        }
        pending.add(p);
      }
      return commit(job, key, working, pending);
    }
    // Diverged: re-reduce from the state after the kept prefix, then append the merged order.
    List<Operation> kept = effective.subList(0, baseAt + 1 + plan.keep());
    working.scopes.put(scope, new ScopeHead(replay(working, job.documentId(), job.branch(), scope, kept), rawNext));
    int skip = plan.superseded();
    for (Action action : plan.append()) {
      long index = working.nextIndex(scope);
      String id = Ids.operationId(job.documentId(), scope, job.branch(), action.id() + "@" + index);
      JsonNode before = working.state(scope);
      Pending p;
      try {
        Pending applied = apply(working, job, action);
        Operation o = applied.operation;
        p = new Pending(scope, new Operation(id, o.index(), skip, o.timestamp(), o.hash(), o.action(), null),
            applied.resultingState);
      } catch (InvalidActionException | DocumentDeletedException | DocumentNotFoundException e) {
        // Deterministic on every replica: the action is kept in the history as refused.
        p = working.record(job, action, before, skip, id, e.getMessage());
      }
      pending.add(p);
      skip = 0;
    }
    return commit(job, key, working, pending);
  }

  /** The state of {@code scope} after {@code operations} (an effective prefix of its stream). */
  private JsonNode replay(Working w, String documentId, String branch, String scope, List<Operation> operations) {
    JsonNode state;
    if (Scopes.DOCUMENT.equals(scope)) {
      state = null;
      for (Operation op : operations) {
        if (op.error() == null) {
          state = DocumentScopeState.reduce(state, op.action(), w.model.version());
        }
      }
      return state;
    }
    Map<String, JsonNode> base = new HashMap<>();
    for (Operation op : EffectiveHistory.of(store.readStream(StreamKey.of(documentId, Scopes.DOCUMENT, branch), -1))) {
      if (op.error() != null) {
        continue;
      }
      if (SystemActions.CREATE_DOCUMENT.equals(op.action().type())) {
        base.putAll(CreateDocumentInput.fromJson(op.action().input()).state());
      } else if (SystemActions.UPGRADE_DOCUMENT.equals(op.action().type())) {
        base.putAll(UpgradeDocumentInput.fromJson(op.action().input()).state());
      }
    }
    state = base.containsKey(scope) ? base.get(scope) : initialOrNull(w.model, scope);
    for (Operation op : operations) {
      if (op.error() == null) {
        state = w.model.reduce(state, op.action());
      }
    }
    return state;
  }

  /**
   * The coordinates a read must reach to see what {@code job} wrote: those of {@code written} and,
   * when none of them is in the {@code document} scope, that scope's latest operation as well. A
   * job's operations in other scopes do not make the document readable on their own: its CREATE,
   * queued just before, may still be on its way into the read models, and a read with a token that
   * named only the job's own scopes would then find no document. Call right after {@link
   * #execute}: it reads the head the job left (or the store's revisions when that head is gone).
   */
  public List<ConsistencyCoordinate> readCoordinates(Job job, List<OperationWithContext> written) {
    List<ConsistencyCoordinate> coordinates = new ArrayList<>(written.size() + 1);
    boolean documentScope = false;
    for (OperationWithContext op : written) {
      coordinates.add(op.coordinate());
      documentScope |= Scopes.DOCUMENT.equals(op.scope());
    }
    if (!documentScope && !written.isEmpty()) {
      long next = documentScopeNext(job.documentId(), job.branch());
      if (next > 0) {
        coordinates.add(new ConsistencyCoordinate(job.documentId(), Scopes.DOCUMENT, job.branch(), next - 1));
      }
    }
    return coordinates;
  }

  private long documentScopeNext(String documentId, String branch) {
    Head head = cache.get(new DocumentBranch(documentId, branch));
    if (head != null) {
      ScopeHead document = head.scopes().get(Scopes.DOCUMENT);
      return document == null ? 0 : document.nextIndex();
    }
    Long next = store.getRevisions(documentId, branch).get(Scopes.DOCUMENT);
    return next == null ? 0 : next;
  }

  /** Drops the cached head of a document branch; the next job rebuilds it from the store. */
  public void invalidate(String documentId, String branch) {
    cache.remove(new DocumentBranch(documentId, branch));
  }

  /** How many document branches have a cached head. */
  public int cachedHeads() {
    return cache.size();
  }

  private Pending apply(Working w, Job job, Action action) {
    String type = action.type();
    String scope = action.scope();
    if (SystemActions.isSystemAction(type)) {
      if (!Scopes.DOCUMENT.equals(scope)) {
        throw new InvalidActionException(type, type + " must be in scope " + Scopes.DOCUMENT + ", got " + scope);
      }
      JsonNode documentState = switch (type) {
        case SystemActions.CREATE_DOCUMENT -> create(w, job, action);
        case SystemActions.UPGRADE_DOCUMENT -> {
          requireLive(w, job);
          yield upgrade(w, action);
        }
        case SystemActions.DELETE_DOCUMENT -> {
          requireLive(w, job);
          w.deleted = true;
          yield DocumentScopeState.reduce(w.state(Scopes.DOCUMENT), action, w.model.version());
        }
        default -> {
          requireLive(w, job);
          RelationshipInput.fromJson(type, action.input(), job.documentId()); // validates
          yield DocumentScopeState.reduce(w.state(Scopes.DOCUMENT), action, w.model.version());
        }
      };
      return w.record(job, action, documentState);
    }
    requireLive(w, job);
    if (!w.model.scopes().contains(scope)) {
      throw new InvalidActionException(type, "Document type " + w.documentType + " has no scope " + scope
          + " (scopes: " + w.model.scopes() + ")");
    }
    JsonNode next;
    try {
      next = w.model.reduce(w.state(scope), action);
    } catch (InvalidActionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidActionException(type, "Failed to apply " + type + " to " + job.documentId() + " scope "
          + scope + ": " + e, e);
    }
    if (next == null) {
      throw new InvalidActionException(type, "The reducer of " + w.documentType + " returned no state for " + type);
    }
    return w.record(job, action, next);
  }

  private JsonNode create(Working w, Job job, Action action) {
    if (w.exists()) {
      throw new InvalidActionException(SystemActions.CREATE_DOCUMENT,
          "Document " + job.documentId() + " already exists on branch " + job.branch());
    }
    CreateDocumentInput input = CreateDocumentInput.fromJson(action.input());
    if (!input.id().equals(job.documentId())) {
      throw new InvalidActionException(SystemActions.CREATE_DOCUMENT,
          "CREATE_DOCUMENT id " + input.id() + " must equal the job's document " + job.documentId());
    }
    DocumentModel model = models.get(input.documentType());
    for (String scope : input.state().keySet()) {
      if (!model.scopes().contains(scope)) {
        throw new InvalidActionException(SystemActions.CREATE_DOCUMENT,
            "CREATE_DOCUMENT state names scope " + scope + ", which " + input.documentType() + " does not have");
      }
    }
    w.model = model;
    w.documentType = model.documentType();
    for (String scope : model.scopes()) {
      JsonNode initial = input.state().containsKey(scope) ? input.state().get(scope) : model.initialState(scope);
      w.scopes.put(scope, new ScopeHead(initial, 0));
    }
    return DocumentScopeState.reduce(null, action, model.version());
  }

  private JsonNode upgrade(Working w, Action action) {
    UpgradeDocumentInput input = UpgradeDocumentInput.fromJson(action.input());
    for (Map.Entry<String, JsonNode> replaced : input.state().entrySet()) {
      String scope = replaced.getKey();
      if (!w.model.scopes().contains(scope)) {
        throw new InvalidActionException(SystemActions.UPGRADE_DOCUMENT,
            "UPGRADE_DOCUMENT state names scope " + scope + ", which " + w.documentType + " does not have");
      }
      long next = w.nextIndex(scope);
      if (next > 0) {
        throw new InvalidActionException(SystemActions.UPGRADE_DOCUMENT, "UPGRADE_DOCUMENT cannot replace scope "
            + scope + ": it already has " + next + " operation(s); state replacement is only allowed before the first");
      }
      w.scopes.put(scope, new ScopeHead(replaced.getValue(), 0));
    }
    return DocumentScopeState.reduce(w.state(Scopes.DOCUMENT), action, w.model.version());
  }

  private static void requireLive(Working w, Job job) {
    if (!w.exists()) {
      throw new DocumentNotFoundException(job.documentId());
    }
    if (w.deleted) {
      throw new DocumentDeletedException(job.documentId());
    }
  }

  /** Rebuilds a document branch's head from the store; null when it has no operation there. */
  private Head load(String documentId, String branch) {
    Map<String, Long> revisions = store.getRevisions(documentId, branch);
    if (revisions.isEmpty() || !revisions.containsKey(Scopes.DOCUMENT)) {
      return null;
    }
    String documentType = store.documentType(documentId);
    DocumentModel model = models.get(documentType);
    Map<String, ScopeHead> scopes = new HashMap<>();
    // The document scope first: it holds the creation (initial states) and upgrades (base states).
    Map<String, JsonNode> base = new HashMap<>();
    JsonNode documentState = null;
    long documentCount = 0;
    List<Operation> documentRaw = store.readStream(StreamKey.of(documentId, Scopes.DOCUMENT, branch), -1);
    documentCount = nextIndexOf(documentRaw);
    for (Operation op : EffectiveHistory.of(documentRaw)) {
      if (op.error() != null) {
        continue;
      }
      Action action = op.action();
      documentState = DocumentScopeState.reduce(documentState, action, model.version());
      if (SystemActions.CREATE_DOCUMENT.equals(action.type())) {
        base.putAll(CreateDocumentInput.fromJson(action.input()).state());
      } else if (SystemActions.UPGRADE_DOCUMENT.equals(action.type())) {
        base.putAll(UpgradeDocumentInput.fromJson(action.input()).state());
      }
    }
    scopes.put(Scopes.DOCUMENT, new ScopeHead(documentState, documentCount));
    java.util.Set<String> modelScopes = new java.util.LinkedHashSet<>(model.scopes());
    revisions.keySet().stream().filter(s -> !Scopes.DOCUMENT.equals(s)).forEach(modelScopes::add);
    for (String scope : modelScopes) {
      JsonNode state = base.containsKey(scope) ? base.get(scope) : initialOrNull(model, scope);
      List<Operation> raw = store.readStream(StreamKey.of(documentId, scope, branch), -1);
      long count = nextIndexOf(raw);
      for (Operation op : EffectiveHistory.of(raw)) {
        if (op.error() == null) {
          state = model.reduce(state, op.action());
        }
      }
      scopes.put(scope, new ScopeHead(state, count));
    }
    boolean deleted = documentState != null && documentState.path("isDeleted").asBoolean(false);
    return new Head(documentType, model, deleted, Map.copyOf(scopes));
  }

  private static long nextIndexOf(List<Operation> raw) {
    return raw.isEmpty() ? 0 : raw.get(raw.size() - 1).index() + 1;
  }

  private static JsonNode initialOrNull(DocumentModel model, String scope) {
    return model.scopes().contains(scope) ? model.initialState(scope) : null;
  }

  private void putCached(DocumentBranch key, Head head) {
    if (cache.size() >= maxCached && !cache.containsKey(key)) {
      // Rough bound: drop about a tenth of the entries; a dropped head is rebuilt from the store.
      int toDrop = Math.max(1, maxCached / 10);
      Iterator<DocumentBranch> it = cache.keySet().iterator();
      while (toDrop-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    cache.put(key, head);
  }

  private record DocumentBranch(String documentId, String branch) {}

  private record ScopeHead(JsonNode state, long nextIndex) {}

  /** The state of a document branch after its last stored operation. Immutable. */
  private record Head(String documentType, DocumentModel model, boolean deleted, Map<String, ScopeHead> scopes) {}

  /** A job's private copy of a head, advanced action by action. */
  private static final class Working {
    String documentType;
    DocumentModel model;
    boolean deleted;
    final Map<String, ScopeHead> scopes;

    Working(Head head) {
      if (head == null) {
        scopes = new HashMap<>();
      } else {
        documentType = head.documentType();
        model = head.model();
        deleted = head.deleted();
        scopes = new HashMap<>(head.scopes());
      }
    }

    boolean exists() {
      return model != null;
    }

    JsonNode state(String scope) {
      ScopeHead head = scopes.get(scope);
      return head == null ? null : head.state();
    }

    long nextIndex(String scope) {
      ScopeHead head = scopes.get(scope);
      return head == null ? 0 : head.nextIndex();
    }

    Pending record(Job job, Action action, JsonNode resultingState) {
      return record(job, action, resultingState, 0, null, null);
    }

    /**
     * @param skip effective operations the new one supersedes (merges only)
     * @param operationId null for the id derived from the action; merges pass a fresh one when the
     *     action's id is already stored in the stream (a superseded copy)
     * @param error the reducer's refusal, recorded instead of failing the job (merges only)
     */
    Pending record(Job job, Action action, JsonNode resultingState, int skip, String operationId, String error) {
      String scope = action.scope();
      long index = nextIndex(scope);
      scopes.put(scope, new ScopeHead(resultingState, index + 1));
      Operation operation = new Operation(
          operationId != null ? operationId : Ids.operationId(job.documentId(), scope, job.branch(), action.id()),
          index,
          skip,
          action.timestamp(),
          StateHash.of(resultingState),
          action,
          error);
      return new Pending(scope, operation, resultingState);
    }

    Head toHead() {
      return new Head(documentType, model, deleted, Map.copyOf(scopes));
    }
  }

  private record Pending(String scope, Operation operation, JsonNode resultingState) {}
}
