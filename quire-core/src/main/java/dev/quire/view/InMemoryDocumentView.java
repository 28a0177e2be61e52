package dev.quire.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Document;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.DocumentScopeState;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.model.UpgradeDocumentInput;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DocumentView} held in memory: the default for tests, examples and embedded use, and the
 * reference behaviour the JDBC view is checked against (the {@code DocumentViewConformance} suite).
 *
 * <p><b>Indexing.</b> Operations apply in batch order. An operation's {@code resultingState} is the
 * new state of its scope; when it is null (catch-up from the store) the view rebuilds it by applying
 * the action to its snapshot at {@code index - 1}, with the document's {@link DocumentModel} or, in
 * the {@code document} scope, with {@link DocumentScopeState}. A snapshot is never replaced by an
 * operation whose index is lower than or equal to its own, so replays are harmless and a late
 * batch cannot roll a scope back. An operation recorded with an {@code error} (refused by its
 * reducer) advances its scope's index and changes nothing else; a refused DELETE_DOCUMENT deletes
 * nothing. A batch applies completely or not at all, and the tracker learns of it only afterwards.
 *
 * <p><b>System operations</b> (scope {@code document}): CREATE_DOCUMENT ({@link CreateDocumentInput})
 * sets the header and the initial snapshot (index -1) of each model scope and each scope in its
 * {@code state}; DELETE_DOCUMENT hides the document on its branch and frees its slug for good;
 * UPGRADE_DOCUMENT ({@link UpgradeDocumentInput}) replaces the scopes its {@code state} lists;
 * relationship operations only advance the {@code document} scope.
 *
 * <p><b>Slugs</b> are unique per branch among live documents. The newest claimant wins: when a
 * document is created with a slug another live document holds, the older document loses it (its
 * header slug becomes null) and does not get it back later. A deleted document's slug is never
 * restored, not even by operations indexed after the deletion.
 *
 * <p>Concurrency: batches apply one at a time under {@code writeLock} (for catch-up that includes
 * the models' reducers; live batches carry their states and call no user code). Entries are
 * immutable and published through concurrent maps, so queries take no lock; a query without a
 * token may observe a batch half-published, a query with a token only runs after the tracker,
 * updated after publication, says its coordinates are in.
 */
public final class InMemoryDocumentView implements DocumentView {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryDocumentView.class);

  private final DocumentModelRegistry registry;
  private final ConsistencyTracker tracker;
  private final Duration defaultTimeout;

  private final ReentrantLock writeLock = new ReentrantLock();
  /** documentId → branch → entry; inner maps are immutable and replaced whole. */
  private final ConcurrentHashMap<String, Map<String, ViewEntry>> documents = new ConcurrentHashMap<>();
  /** (branch, slug) → id of the live document holding it. */
  private final ConcurrentHashMap<SlugKey, String> slugs = new ConcurrentHashMap<>();
  /** (branch, type) → ids of live documents, sorted, for stable type paging. */
  private final ConcurrentHashMap<TypeKey, NavigableSet<String>> byType = new ConcurrentHashMap<>();

  public InMemoryDocumentView(DocumentModelRegistry registry, ConsistencyTracker tracker, Duration defaultTimeout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.defaultTimeout = ReadGate.requireTimeout(defaultTimeout);
  }

  public InMemoryDocumentView(DocumentModelRegistry registry, ConsistencyTracker tracker) {
    this(registry, tracker, ReadGate.DEFAULT_TIMEOUT);
  }

  public InMemoryDocumentView(DocumentModelRegistry registry) {
    this(registry, new ConsistencyTracker(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConsistencyTracker tracker() {
    return tracker;
  }

  // ---------------------------------------------------------------------------------- indexing

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    if (operations.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<ConsistencyCoordinate> coordinates = new ArrayList<>(operations.size());
    writeLock.lock();
    try {
      Batch batch = new Batch();
      for (OperationWithContext op : operations) {
        apply(batch, op);
        coordinates.add(op.coordinate());
      }
      batch.publish();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      writeLock.unlock();
    }
    tracker.update(coordinates);
    return CompletableFuture.completedFuture(null);
  }

  private void apply(Batch batch, OperationWithContext op) {
    Operation operation = op.operation();
    DocKey key = new DocKey(op.documentId(), op.branch());
    ViewEntry entry = batch.get(key);
    if (entry == null) {
      entry = ViewEntry.empty(op.documentId(), op.branch(), op.documentType());
    }
    ViewEntry.Snapshot current = entry.scopes().get(op.scope());
    if (current != null && current.lastOperationIndex() >= operation.index()) {
      LOG.debug("document-view: {} already at index {}, ignoring index {}",
          op.key(), current.lastOperationIndex(), operation.index());
      return;
    }
    JsonNode content = resultingState(entry, current, op);
    entry = entry.withScope(op.scope(), new ViewEntry.Snapshot(
        content, operation.index(), operation.hash(), operation.timestamp()));
    boolean system = Scopes.DOCUMENT.equals(op.scope()) && SystemActions.isSystemAction(operation.action().type());
    if (system && operation.error() == null) {
      entry = applySystem(batch, entry, op);
    }
    batch.put(entry);
  }

  /** The scope's state after {@code op}: as given, or rebuilt from the snapshot just before it. */
  private JsonNode resultingState(ViewEntry entry, ViewEntry.Snapshot current, OperationWithContext op) {
    if (op.resultingState() != null) {
      return op.resultingState().deepCopy();
    }
    Operation operation = op.operation();
    Action action = operation.action();
    boolean create = Scopes.DOCUMENT.equals(op.scope()) && SystemActions.CREATE_DOCUMENT.equals(action.type());
    if (create && current == null && operation.error() == null) {
      return DocumentScopeState.reduce(null, action, modelVersion(op.documentType()));
    }
    OptionalLong held = current == null ? OptionalLong.empty() : OptionalLong.of(current.lastOperationIndex());
    if (current == null || current.lastOperationIndex() != operation.index() - 1) {
      throw new MissingSnapshotException(op.coordinate(), held, "no resultingState and no snapshot at index "
          + (operation.index() - 1));
    }
    if (operation.skip() > 0) {
      throw new MissingSnapshotException(op.coordinate(), held,
          "no resultingState and the operation supersedes " + operation.skip() + " earlier operations");
    }
    if (operation.error() != null) {
      return current.content();
    }
    if (Scopes.DOCUMENT.equals(op.scope())) {
      return DocumentScopeState.reduce(current.content(), action, modelVersion(entry.documentType()));
    }
    DocumentModel model = model(entry.documentType());
    if (model == null) {
      throw new UnknownDocumentTypeException(entry.documentType());
    }
    return model.reduce(current.content(), action);
  }

  private ViewEntry applySystem(Batch batch, ViewEntry entry, OperationWithContext op) {
    Action action = op.operation().action();
    return switch (action.type()) {
      case SystemActions.CREATE_DOCUMENT -> create(batch, entry, op);
      case SystemActions.DELETE_DOCUMENT -> {
        String slug = entry.slug();
        if (slug != null && entry.id().equals(batch.slugHolder(entry.branch(), slug))) {
          batch.releaseSlug(entry.branch(), slug);
        }
        yield entry.asDeleted();
      }
      case SystemActions.UPGRADE_DOCUMENT -> upgrade(entry, op);
      default -> entry; // relationships live in the indexer
    };
  }

  private ViewEntry create(Batch batch, ViewEntry entry, OperationWithContext op) {
    if (entry.header() != null) {
      LOG.warn("document-view: ignoring a second CREATE_DOCUMENT for {} at index {}",
          op.key(), op.operation().index());
      return entry;
    }
    CreateDocumentInput input = CreateDocumentInput.fromJson(op.operation().action().input());
    Instant createdAt = op.operation().timestamp();
    Map<String, JsonNode> initial = new LinkedHashMap<>();
    DocumentModel model = model(input.documentType());
    if (model != null) {
      for (String scope : model.scopes()) {
        if (!Scopes.DOCUMENT.equals(scope)) {
          initial.put(scope, model.initialState(scope));
        }
      }
    }
    initial.putAll(input.state());
    for (Map.Entry<String, JsonNode> scope : initial.entrySet()) {
      // A scope whose first operations were indexed before the create keeps them.
      if (!entry.scopes().containsKey(scope.getKey()) && scope.getValue() != null) {
        entry = entry.withScope(scope.getKey(),
            new ViewEntry.Snapshot(scope.getValue().deepCopy(), -1, null, createdAt));
      }
    }
    entry = entry.withHeader(input.documentType(), new ViewEntry.Header(input.slug(), input.name(), createdAt));
    if (input.slug() != null && !entry.deleted()) {
      claimSlug(batch, entry, input.slug());
    }
    return entry;
  }

  /** Newest claimant wins: the previous live holder loses the slug for good. */
  private void claimSlug(Batch batch, ViewEntry entry, String slug) {
    String holder = batch.slugHolder(entry.branch(), slug);
    if (holder != null && !holder.equals(entry.id())) {
      ViewEntry previous = batch.get(new DocKey(holder, entry.branch()));
      if (previous != null && previous.header() != null && slug.equals(previous.slug())) {
        batch.put(previous.withSlug(null));
      }
    }
    batch.claimSlug(entry.branch(), slug, entry.id());
  }

  private ViewEntry upgrade(ViewEntry entry, OperationWithContext op) {
    UpgradeDocumentInput input;
    try {
      input = UpgradeDocumentInput.fromJson(op.operation().action().input());
    } catch (InvalidActionException e) {
      LOG.debug("document-view: UPGRADE_DOCUMENT {} without a valid input only advances the index: {}",
          op.coordinate(), e.getMessage());
      return entry;
    }
    for (Map.Entry<String, JsonNode> scope : input.state().entrySet()) {
      ViewEntry.Snapshot old = entry.scopes().get(scope.getKey());
      long index = old == null ? -1 : old.lastOperationIndex();
      String hash = old == null ? null : old.lastOperationHash();
      entry = entry.withScope(scope.getKey(),
          new ViewEntry.Snapshot(scope.getValue().deepCopy(), index, hash, op.operation().timestamp()));
    }
    return entry;
  }

  private DocumentModel model(String documentType) {
    return registry.find(documentType).orElse(null);
  }

  private int modelVersion(String documentType) {
    DocumentModel model = model(documentType);
    return model == null ? 1 : model.version();
  }

  /** The changes of one batch, published together once every operation applied. */
  private final class Batch {
    private final Map<DocKey, ViewEntry> entries = new LinkedHashMap<>();
    private final Map<SlugKey, Optional<String>> slugChanges = new LinkedHashMap<>();

    ViewEntry get(DocKey key) {
      ViewEntry pending = entries.get(key);
      return pending != null ? pending : committed(key.documentId(), key.branch());
    }

    void put(ViewEntry entry) {
      entries.put(new DocKey(entry.id(), entry.branch()), entry);
    }

    String slugHolder(String branch, String slug) {
      SlugKey key = new SlugKey(branch, slug);
      Optional<String> pending = slugChanges.get(key);
      return pending != null ? pending.orElse(null) : slugs.get(key);
    }

    void claimSlug(String branch, String slug, String documentId) {
      slugChanges.put(new SlugKey(branch, slug), Optional.of(documentId));
    }

    void releaseSlug(String branch, String slug) {
      slugChanges.put(new SlugKey(branch, slug), Optional.empty());
    }

    /** Entries first, then slugs: a slug never points at an entry readers cannot see yet. */
    void publish() {
      for (ViewEntry entry : entries.values()) {
        documents.compute(entry.id(), (id, branches) -> {
          Map<String, ViewEntry> next = branches == null ? new HashMap<>() : new HashMap<>(branches);
          next.put(entry.branch(), entry);
          return Map.copyOf(next);
        });
        if (entry.header() != null) {
          NavigableSet<String> ids = byType.computeIfAbsent(
              new TypeKey(entry.branch(), entry.documentType()), k -> new ConcurrentSkipListSet<>());
          if (entry.live()) {
            ids.add(entry.id());
          } else {
            ids.remove(entry.id());
          }
        }
      }
      slugChanges.forEach((key, holder) -> {
        if (holder.isPresent()) {
          slugs.put(key, holder.get());
        } else {
          slugs.remove(key);
        }
      });
    }
  }

  // ----------------------------------------------------------------------------------- queries

  @Override
  public CompletableFuture<Document> get(String id, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return afterToken(read, () -> require(live(id, f.branch()), id).toDocument(f.scopes()));
  }

  @Override
  public CompletableFuture<Document> getBySlug(String slug, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return afterToken(read, () -> require(bySlug(slug, f.branch()), slug).toDocument(f.scopes()));
  }

  @Override
  public CompletableFuture<Document> getByIdOrSlug(String idOrSlug, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return afterToken(read, () -> {
      ViewEntry byId = live(idOrSlug, f.branch());
      ViewEntry bySlug = bySlug(idOrSlug, f.branch());
      if (byId != null && bySlug != null && !byId.id().equals(bySlug.id())) {
        throw new AmbiguousIdentifierException(idOrSlug, byId.id(), bySlug.id());
      }
      return require(byId != null ? byId : bySlug, idOrSlug).toDocument(f.scopes());
    });
  }

  @Override
  public CompletableFuture<List<Document>> getMany(List<String> ids, ViewFilter filter, ReadOptions read) {
    List<String> input = List.copyOf(ids);
    ViewFilter f = orMain(filter);
    return afterToken(read, () -> {
      List<Document> found = new ArrayList<>(input.size());
      for (String id : input) {
        ViewEntry entry = live(id, f.branch());
        if (entry != null) {
          found.add(entry.toDocument(f.scopes()));
        }
      }
      return found;
    });
  }

  @Override
  public CompletableFuture<Page<Document>> find(
      DocumentQuery query, ViewFilter filter, PageRequest page, ReadOptions read) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(page, "page");
    ViewFilter f = orMain(filter);
    // Decode before waiting: a bad cursor is the caller's error, whatever the token.
    ViewCursor.Kind kind =
        query.ids().isEmpty() && query.slugs().isEmpty() ? ViewCursor.Kind.AFTER_ID : ViewCursor.Kind.AFTER_POSITION;
    ViewCursor cursor = page.cursor() == null ? null : ViewCursor.decode(page.cursor(), kind);
    return afterToken(read, () -> kind == ViewCursor.Kind.AFTER_ID
        ? findByType(query.type(), f, page.limit(), cursor)
        : findInList(query, f, page.limit(), cursor));
  }

  @Override
  public CompletableFuture<List<Boolean>> exists(List<String> ids, ReadOptions read) {
    List<String> input = List.copyOf(ids);
    return afterToken(read, () -> {
      List<Boolean> result = new ArrayList<>(input.size());
      for (String id : input) {
        Map<String, ViewEntry> branches = documents.get(id);
        result.add(branches != null && branches.values().stream().anyMatch(ViewEntry::live));
      }
      return result;
    });
  }

  /** Live documents of {@code type} ordered by id; the cursor is the last id returned. */
  private Page<Document> findByType(String type, ViewFilter filter, int limit, ViewCursor cursor) {
    NavigableSet<String> ids = byType.get(new TypeKey(filter.branch(), type));
    if (ids == null) {
      return Page.last(List.of());
    }
    Iterable<String> candidates = cursor == null ? ids : ids.tailSet(cursor.value(), false);
    List<ViewEntry> found = new ArrayList<>(limit + 1);
    for (String id : candidates) {
      ViewEntry entry = live(id, filter.branch());
      if (entry != null && entry.documentType().equals(type)) {
        found.add(entry);
        if (found.size() > limit) {
          break;
        }
      }
    }
    boolean more = found.size() > limit;
    List<ViewEntry> items = more ? found.subList(0, limit) : found;
    Optional<String> next = more ? Optional.of(ViewCursor.afterId(items.get(limit - 1).id()).encode()) : Optional.empty();
    return new Page<>(documents(items, filter), next);
  }

  /**
   * Live documents named by {@code ids} (or, without ids, by {@code slugs}) in input order, each
   * once, filtered by type before paging so pages stay full; the cursor is an input position.
   */
  private Page<Document> findInList(DocumentQuery query, ViewFilter filter, int limit, ViewCursor cursor) {
    boolean byIds = !query.ids().isEmpty();
    List<String> input = byIds ? query.ids() : query.slugs();
    Function<String, ViewEntry> resolve = byIds ? id -> live(id, filter.branch()) : slug -> bySlug(slug, filter.branch());
    String type = query.type() == null || query.type().isEmpty() ? null : query.type();
    // Resolve the whole list so that a document named twice is returned once, at its first mention.
    List<ViewEntry> resolved = new ArrayList<>(input.size());
    Set<String> seen = new HashSet<>();
    for (String name : input) {
      ViewEntry entry = resolve.apply(name);
      boolean wanted = entry != null && (type == null || type.equals(entry.documentType())) && seen.add(entry.id());
      resolved.add(wanted ? entry : null);
    }
    int start = cursor == null ? 0 : cursor.position() + 1;
    List<ViewEntry> items = new ArrayList<>(limit);
    int last = -1;
    boolean more = false;
    for (int i = start; i < resolved.size(); i++) {
      if (resolved.get(i) == null) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(resolved.get(i));
      last = i;
    }
    Optional<String> next = more ? Optional.of(ViewCursor.afterPosition(last).encode()) : Optional.empty();
    return new Page<>(documents(items, filter), next);
  }

  private static List<Document> documents(List<ViewEntry> entries, ViewFilter filter) {
    List<Document> docs = new ArrayList<>(entries.size());
    for (ViewEntry entry : entries) {
      docs.add(entry.toDocument(filter.scopes()));
    }
    return docs;
  }

  private ViewEntry committed(String id, String branch) {
    Map<String, ViewEntry> branches = documents.get(id);
    return branches == null ? null : branches.get(branch);
  }

  private ViewEntry live(String id, String branch) {
    ViewEntry entry = id == null ? null : committed(id, branch);
    return entry != null && entry.live() ? entry : null;
  }

  private ViewEntry bySlug(String slug, String branch) {
    if (slug == null || slug.isEmpty()) {
      return null;
    }
    ViewEntry entry = live(slugs.get(new SlugKey(branch, slug)), branch);
    // The slug map and the entries publish separately; trust only an entry that still names the slug.
    return entry != null && slug.equals(entry.slug()) ? entry : null;
  }

  private static ViewEntry require(ViewEntry entry, String identifier) {
    if (entry == null) {
      throw new DocumentNotFoundException(identifier);
    }
    return entry;
  }

  private static ViewFilter orMain(ViewFilter filter) {
    return filter == null ? ViewFilter.MAIN : filter;
  }

  private <T> CompletableFuture<T> afterToken(ReadOptions read, Supplier<T> query) {
    return ReadGate.await(tracker, read == null ? ReadOptions.NONE : read, defaultTimeout)
        .thenApply(ignored -> query.get());
  }

  private record DocKey(String documentId, String branch) {}

  private record SlugKey(String branch, String slug) {}

  private record TypeKey(String branch, String documentType) {}

  @Override
  public String toString() {
    return "InMemoryDocumentView[" + documents.size() + " documents, slugs=" + slugs.size() + "]";
  }
}
