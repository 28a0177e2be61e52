package dev.quire.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Action;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Document;
import dev.quire.model.DocumentHeader;
import dev.quire.model.DocumentModel;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.DocumentScopeState;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.model.UpgradeDocumentInput;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.AmbiguousIdentifierException;
import dev.quire.view.DocumentQuery;
import dev.quire.view.DocumentView;
import dev.quire.view.MissingSnapshotException;
import dev.quire.view.ViewFilter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document view in SQL: {@code quire_documents} (one row per document and branch: type,
 * header, deleted flag), {@code quire_snapshots} (one row per scope: state, last index and hash) and
 * {@code quire_slugs} (per branch, the live document holding each slug). Its semantics are those
 * of {@code InMemoryDocumentView}, checked by the same conformance suite: operations without a
 * {@code resultingState} (catch-up) are re-reduced from the stored snapshot with the {@link
 * DocumentModelRegistry}; a snapshot is never replaced by an operation whose index is not above its
 * own, so replays are harmless; the newest claimant of a slug wins; a batch applies whole or not
 * at all.
 *
 * <p>Each group of batches is applied in one transaction that first takes the view's write lock
 * (SQLite's write lock; a PostgreSQL advisory lock shared by every process on the schema), reads
 * the rows it touches, applies the operations in memory and writes the changed rows back, with the
 * per-stream progress and the checkpoint. See {@link ReadModelEngine} for checkpoint and start-up.
 *
 * <p>Concurrency: thread-safe; writes go through one writer thread, queries use pooled
 * connections. A query without a token may see the state before or after a concurrent batch,
 * never half of it.
 */
public final class JdbcDocumentView implements DocumentView, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdbcDocumentView.class);
  private static final List<String> TABLES = List.of("quire_documents", "quire_snapshots", "quire_slugs");

  private final DocumentModelRegistry registry;
  /**
   * Document rows as the writer last committed them, when this process is the database's only
   * writer ({@link QuireDatabase#soleWriter()}: SQLite, or PostgreSQL opened exclusive): the next
   * group's write and the read-backs with a token skip loading and parsing them.
   * Profiled on SQLite NORMAL, those loads were about a quarter of the CPU per job.
   */
  private final CommittedRows<DocKey, Entry> committedRows;
  /** Slug holders (empty: nobody holds the slug), remembered like {@link #committedRows}. */
  private final CommittedRows<SlugKey, Optional<String>> committedSlugs;
  private final CommitVersion commits = new CommitVersion();
  private final ReadModelEngine engine;

  public JdbcDocumentView(
      QuireDatabase database, OperationStore store, DocumentModelRegistry registry, ConsistencyTracker tracker) {
    this(database, store, registry, tracker, ReadGate.DEFAULT_TIMEOUT);
  }

  public JdbcDocumentView(
      QuireDatabase database,
      OperationStore store,
      DocumentModelRegistry registry,
      ConsistencyTracker tracker,
      Duration defaultTimeout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    int remembered = database.soleWriter() ? database.config().rememberedRows() : 0;
    this.committedRows = CommittedRows.bounded(remembered);
    this.committedSlugs = CommittedRows.bounded(remembered);
    ReadModelEngine.Applier applier = new ReadModelEngine.Applier() {
      @Override
      public Runnable apply(Connection c, List<OperationWithContext> operations, Tables tables) throws SQLException {
        return JdbcDocumentView.this.apply(c, operations, tables);
      }

      @Override
      public ReadModelEngine.DocumentReplay documentReplay() {
        return new DocumentOrderReplay();
      }

      @Override
      public String progressTable() {
        // Each snapshot row holds its stream's last index, written with the operation that set it.
        return "quire_snapshots";
      }

      @Override
      public void liveTablesReplaced() {
        commits.beginWrite();
        try {
          committedRows.forgetAll();
          committedSlugs.forgetAll();
        } finally {
          commits.endWrite();
        }
      }
    };
    this.engine = new ReadModelEngine(NAME, database, store, tracker, defaultTimeout, applier, TABLES);
    database.claimLost().thenRun(() -> {
      committedRows.disable();
      committedSlugs.disable();
    });
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConsistencyTracker tracker() {
    return engine.tracker();
  }

  /** Seeds the tracker from stored progress and catches up from the checkpoint; idempotent. */
  public CompletableFuture<Void> start() {
    return engine.start();
  }

  @Override
  public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
    return engine.index(operations);
  }

  /**
   * Rebuilds this read model from the whole operation store into fresh tables and swaps them in
   * once caught up; queries and live indexing go on meanwhile against the current tables. Completes
   * when the new tables are live; fails (leaving the current tables) if the replay fails.
   */
  public CompletableFuture<Void> rebuild() {
    return engine.rebuild();
  }

  /** The stored checkpoint: every operation up to this ordinal is indexed. */
  public long checkpoint() {
    return engine.checkpoint();
  }

  ReadModelEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    engine.close();
  }

  // ---- indexing (writer thread, inside the group's transaction) ----------------------------------

  private Runnable apply(Connection c, List<OperationWithContext> operations, Tables tables) throws SQLException {
    // A rebuild's shadow tables are nobody's committed rows until the swap, which forgets them all.
    Batch batch = tables == Tables.LIVE
        ? new Batch(c, tables, committedRows, committedSlugs, commits)
        : new Batch(c, tables, CommittedRows.disabled(), CommittedRows.disabled(), commits);
    for (OperationWithContext op : operations) {
      apply(batch, op);
    }
    return batch.publish();
  }

  /**
   * A rebuild's replay in document order into empty shadow tables. A document's rows exist only if
   * an earlier page wrote them, and only the last document of a page can continue on the next, so
   * nothing is ever read back: the rows of that document are carried to the next page. Slug claims
   * and releases, which link documents, go to a {@link SlugLedger} and are settled at the end.
   */
  private final class DocumentOrderReplay implements ReadModelEngine.DocumentReplay {
    private final SlugLedger slugs = new SlugLedger();
    private Map<DocKey, Entry> carried = Map.of();

    @Override
    public void apply(Connection c, List<OperationWithContext> page, Tables tables) throws SQLException {
      Batch batch = new Batch(c, tables, carried, slugs, commits);
      for (OperationWithContext op : page) {
        JdbcDocumentView.this.apply(batch, op);
      }
      batch.publish();
      // The page's last document may go on: its rows as they stand now, the ones this page wrote last.
      String last = page.get(page.size() - 1).documentId();
      Map<DocKey, Entry> next = new HashMap<>();
      for (Map<DocKey, Entry> rows : List.of(carried, batch.entries)) {
        rows.forEach((key, entry) -> {
          if (key.documentId().equals(last)) {
            next.put(key, entry);
          }
        });
      }
      carried = next;
    }

    @Override
    public void finish(Connection c, Tables tables) throws SQLException {
      if (slugs.isEmpty()) {
        return;
      }
      SlugLedger.Settlement settled = slugs.settle();
      Statements.run(c, Rows.saveSlugSql(tables), ps -> {
        for (Map.Entry<SlugLedger.Slot, String> holder : settled.holders().entrySet()) {
          ps.setString(1, holder.getKey().branch());
          ps.setString(2, holder.getKey().slug());
          ps.setString(3, holder.getValue());
          ps.addBatch();
        }
        return settled.holders().isEmpty() ? null : ps.executeBatch();
      });
      Statements.run(c, "UPDATE " + tables.of("quire_documents") + " SET slug = NULL WHERE document_id = ? AND branch = ?",
          ps -> {
            for (SlugLedger.Loser loser : settled.losers()) {
              ps.setString(1, loser.documentId());
              ps.setString(2, loser.branch());
              ps.addBatch();
            }
            return settled.losers().isEmpty() ? null : ps.executeBatch();
          });
    }
  }

  private void apply(Batch batch, OperationWithContext op) throws SQLException {
    Operation operation = op.operation();
    DocKey key = new DocKey(op.documentId(), op.branch());
    Entry entry = batch.get(key);
    if (entry == null) {
      entry = Entry.empty(op.documentId(), op.branch(), op.documentType());
    }
    Snapshot current = entry.scopes().get(op.scope());
    if (current != null && current.lastOperationIndex() >= operation.index()) {
      log.debug("document-view: {} already at index {}, ignoring index {}",
          op.key(), current.lastOperationIndex(), operation.index());
      return;
    }
    JsonNode content = resultingState(entry, current, op);
    entry = entry.withScope(op.scope(), new Snapshot(content, operation.index(), operation.hash(), operation.timestamp()));
    boolean system = Scopes.DOCUMENT.equals(op.scope()) && SystemActions.isSystemAction(operation.action().type());
    if (system && operation.error() == null) {
      entry = applySystem(batch, entry, op);
    }
    batch.put(entry);
  }

  private JsonNode resultingState(Entry entry, Snapshot current, OperationWithContext op) {
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

  private Entry applySystem(Batch batch, Entry entry, OperationWithContext op) throws SQLException {
    Action action = op.operation().action();
    return switch (action.type()) {
      case SystemActions.CREATE_DOCUMENT -> create(batch, entry, op);
      case SystemActions.DELETE_DOCUMENT -> {
        if (entry.slug() != null) {
          batch.releaseSlug(entry, op.ordinal());
        }
        yield entry.asDeleted();
      }
      case SystemActions.UPGRADE_DOCUMENT -> upgrade(entry, op);
      default -> entry; // relationships live in the indexer
    };
  }

  private Entry create(Batch batch, Entry entry, OperationWithContext op) throws SQLException {
    if (entry.header() != null) {
      log.warn("document-view: ignoring a second CREATE_DOCUMENT for {} at index {}", op.key(), op.operation().index());
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
        entry = entry.withScope(scope.getKey(), new Snapshot(scope.getValue().deepCopy(), -1, null, createdAt));
      }
    }
    entry = entry.withHeader(input.documentType(), new Header(input.slug(), input.name(), createdAt));
    if (input.slug() != null && !entry.deleted()) {
      batch.claimSlug(entry, input.slug(), op.ordinal());
    }
    return entry;
  }

  private Entry upgrade(Entry entry, OperationWithContext op) {
    UpgradeDocumentInput input;
    try {
      input = UpgradeDocumentInput.fromJson(op.operation().action().input());
    } catch (InvalidActionException e) {
      log.debug("document-view: UPGRADE_DOCUMENT {} without a valid input only advances the index: {}",
          op.coordinate(), e.getMessage());
      return entry;
    }
    for (Map.Entry<String, JsonNode> scope : input.state().entrySet()) {
      Snapshot old = entry.scopes().get(scope.getKey());
      long index = old == null ? -1 : old.lastOperationIndex();
      String hash = old == null ? null : old.lastOperationHash();
      entry = entry.withScope(scope.getKey(),
          new Snapshot(scope.getValue().deepCopy(), index, hash, op.operation().timestamp()));
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

  /**
   * The rows one transaction reads and changes; written back by {@link #publish} in two JDBC
   * batches (documents, snapshots) through {@link Statements}, so a group compiles no SQL.
   */
  private static final class Batch {
    private final Connection connection;
    private final Tables tables;
    private final CommittedRows<DocKey, Entry> remembered;
    private final CommittedRows<SlugKey, Optional<String>> rememberedSlugs;
    private final CommitVersion commits;
    /** Document order replay: every committed row there is (else null: rows are loaded). */
    private final Map<DocKey, Entry> onlyRows;
    /** Document order replay: where slug claims and releases go (else null: applied as they come). */
    private final SlugLedger ledger;
    private final Map<DocKey, Optional<Entry>> committed = new HashMap<>();
    final Map<DocKey, Entry> entries = new LinkedHashMap<>();
    private final Map<SlugKey, Optional<String>> slugChanges = new LinkedHashMap<>();

    Batch(Connection connection, Tables tables, CommittedRows<DocKey, Entry> remembered,
        CommittedRows<SlugKey, Optional<String>> rememberedSlugs, CommitVersion commits) {
      this(connection, tables, remembered, rememberedSlugs, commits, null, null);
    }

    /** A page of a document order replay: {@code rows} are all the rows its tables hold for it. */
    Batch(Connection connection, Tables tables, Map<DocKey, Entry> rows, SlugLedger ledger, CommitVersion commits) {
      this(connection, tables, CommittedRows.disabled(), CommittedRows.disabled(), commits, rows, ledger);
    }

    private Batch(Connection connection, Tables tables, CommittedRows<DocKey, Entry> remembered,
        CommittedRows<SlugKey, Optional<String>> rememberedSlugs, CommitVersion commits, Map<DocKey, Entry> onlyRows,
        SlugLedger ledger) {
      this.connection = connection;
      this.tables = tables;
      this.remembered = remembered;
      this.rememberedSlugs = rememberedSlugs;
      this.commits = commits;
      this.onlyRows = onlyRows;
      this.ledger = ledger;
    }


    Entry get(DocKey key) throws SQLException {
      Entry pending = entries.get(key);
      return pending != null ? pending : committed(key);
    }

    private Entry committed(DocKey key) throws SQLException {
      Optional<Entry> loaded = committed.get(key);
      if (loaded == null && onlyRows != null) {
        loaded = Optional.ofNullable(onlyRows.get(key));
        committed.put(key, loaded);
      }
      if (loaded == null) {
        Entry known = remembered.get(key);
        loaded = Optional.ofNullable(known != null ? known : Rows.load(connection, tables, key.documentId(), key.branch()));
        committed.put(key, loaded);
      }
      return loaded.orElse(null);
    }

    void put(Entry entry) {
      entries.put(new DocKey(entry.id(), entry.branch()), entry);
    }

    String slugHolder(String branch, String slug) throws SQLException {
      SlugKey key = new SlugKey(branch, slug);
      Optional<String> pending = slugChanges.get(key);
      if (pending == null) {
        pending = rememberedSlugs.get(key);
      }
      if (pending != null) {
        return pending.orElse(null);
      }
      return Rows.slugHolder(connection, tables, branch, slug);
    }

    /**
     * {@code entry}, created at {@code ordinal}, claims {@code slug}. Newest claimant wins: the
     * previous live holder loses the slug for good. In a document order replay the claim is only
     * recorded, to be settled in ordinal order at the end.
     */
    void claimSlug(Entry entry, String slug, long ordinal) throws SQLException {
      if (ledger != null) {
        ledger.claim(ordinal, entry.branch(), slug, entry.id());
        return;
      }
      String holder = slugHolder(entry.branch(), slug);
      if (holder != null && !holder.equals(entry.id())) {
        Entry previous = get(new DocKey(holder, entry.branch()));
        if (previous != null && previous.header() != null && slug.equals(previous.slug())) {
          put(previous.withSlug(null));
        }
      }
      slugChanges.put(new SlugKey(entry.branch(), slug), Optional.of(entry.id()));
    }

    /** {@code entry}, deleted at {@code ordinal}, frees its slug if it still holds it (recorded, in a replay). */
    void releaseSlug(Entry entry, long ordinal) throws SQLException {
      if (ledger != null) {
        ledger.release(ordinal, entry.branch(), entry.slug(), entry.id());
      } else if (entry.id().equals(slugHolder(entry.branch(), entry.slug()))) {
        slugChanges.put(new SlugKey(entry.branch(), entry.slug()), Optional.empty());
      }
    }

    /**
     * Writes the changes; returns what to do once they are committed: remember the rows. Each
     * changed snapshot's JSON is built once, for its row and for what is remembered (it was built
     * twice).
     */
    Runnable publish() throws SQLException {
      boolean storing = remembered.enabled() && remembered.worthRemembering(entries.size());
      List<Rows.DocumentRow> documents = new ArrayList<>();
      List<Rows.SnapshotRow> snapshots = new ArrayList<>();
      Map<DocKey, Entry> stored = storing ? new HashMap<>() : Map.of();
      for (Map.Entry<DocKey, Entry> change : entries.entrySet()) {
        Entry entry = change.getValue();
        Entry before = committed(change.getKey());
        Rows.DocumentRow document = Rows.documentRow(entry, before);
        if (document != null) {
          documents.add(document);
        }
        List<Rows.SnapshotRow> changedScopes = Rows.snapshotRows(entry, before);
        snapshots.addAll(changedScopes);
        if (storing) {
          stored.put(change.getKey(), Rows.asStored(entry, changedScopes));
        }
      }
      if (!documents.isEmpty()) {
        Statements.run(connection, Rows.saveDocumentSql(tables), ps -> Rows.addAll(ps, documents));
      }
      if (!snapshots.isEmpty()) {
        Statements.run(connection, Rows.saveSnapshotSql(tables), ps -> Rows.addAll(ps, snapshots));
      }
      for (Map.Entry<SlugKey, Optional<String>> change : slugChanges.entrySet()) {
        Rows.saveSlug(connection, tables, change.getKey().branch(), change.getKey().slug(), change.getValue().orElse(null));
      }
      if (!remembered.enabled()) {
        return ReadModelEngine.Applier.NOTHING;
      }
      return () -> {
        commits.beginWrite();
        try {
          if (storing) {
            remembered.remember(stored);
            rememberedSlugs.remember(slugChanges);
          } else {
            remembered.forget(entries.keySet());
            rememberedSlugs.forget(slugChanges.keySet());
          }
        } finally {
          commits.endWrite();
        }
      };
    }
  }

  // ---- queries -----------------------------------------------------------------------------------

  @Override
  public CompletableFuture<Document> get(String id, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return engine.afterToken(read, c -> require(live(c, id, f.branch()), id).toDocument(f.scopes()));
  }

  @Override
  public CompletableFuture<Document> getBySlug(String slug, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return engine.afterToken(read, c -> require(bySlug(c, slug, f.branch()), slug).toDocument(f.scopes()));
  }

  @Override
  public CompletableFuture<Document> getByIdOrSlug(String idOrSlug, ViewFilter filter, ReadOptions read) {
    ViewFilter f = orMain(filter);
    return engine.afterToken(read, c -> {
      IdOrSlug found = idOrSlug(c, idOrSlug, f.branch());
      Entry byId = found.byId() != null && found.byId().live() ? found.byId() : null;
      Entry bySlug = found.bySlug() != null && found.bySlug().live() && idOrSlug.equals(found.bySlug().slug())
          ? found.bySlug()
          : null;
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
    return engine.afterToken(read, c -> {
      List<Document> found = new ArrayList<>(input.size());
      for (String id : input) {
        Entry entry = live(c, id, f.branch());
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
    boolean byType = query.ids().isEmpty() && query.slugs().isEmpty();
    Cursor cursor;
    try {
      cursor = page.cursor() == null ? null : Cursor.decode(page.cursor(), byType ? Cursor.AFTER_ID : Cursor.AFTER_POSITION);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return engine.afterToken(read, c -> byType
        ? findByType(c, query.type(), f, page.limit(), cursor)
        : findInList(c, query, f, page.limit(), cursor));
  }

  @Override
  public CompletableFuture<List<Boolean>> exists(List<String> ids, ReadOptions read) {
    List<String> input = List.copyOf(ids);
    return engine.afterToken(read, c -> {
      List<Boolean> result = new ArrayList<>(input.size());
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT 1 FROM quire_documents WHERE document_id = ? AND created = ? AND deleted = ? LIMIT 1")) {
        for (String id : input) {
          ps.setString(1, id);
          ps.setBoolean(2, true);
          ps.setBoolean(3, false);
          try (ResultSet rs = ps.executeQuery()) {
            result.add(rs.next());
          }
        }
      }
      return result;
    });
  }

  /** Live documents of {@code type} ordered by id; the cursor is the last id returned. */
  private Page<Document> findByType(Connection c, String type, ViewFilter filter, int limit, Cursor cursor)
      throws SQLException {
    List<String> ids = new ArrayList<>(limit + 1);
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT document_id FROM quire_documents WHERE branch = ? AND document_type = ? AND created = ? AND deleted = ?"
            + (cursor == null ? "" : " AND document_id > ?") + " ORDER BY document_id LIMIT ?")) {
      int i = 1;
      ps.setString(i++, filter.branch());
      ps.setString(i++, type);
      ps.setBoolean(i++, true);
      ps.setBoolean(i++, false);
      if (cursor != null) {
        ps.setString(i++, cursor.value());
      }
      ps.setInt(i, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    boolean more = ids.size() > limit;
    List<Document> items = new ArrayList<>(Math.min(limit, ids.size()));
    for (String id : more ? ids.subList(0, limit) : ids) {
      Entry entry = Rows.load(c, Tables.LIVE, id, filter.branch());
      if (entry != null && entry.live()) {
        items.add(entry.toDocument(filter.scopes()));
      }
    }
    Optional<String> next = more ? Optional.of(Cursor.afterId(ids.get(limit - 1)).encode()) : Optional.empty();
    return new Page<>(items, next);
  }

  /**
   * Live documents named by {@code ids} (or, without ids, by {@code slugs}) in input order, each
   * once, filtered by type before paging so pages stay full; the cursor is an input position.
   */
  private Page<Document> findInList(Connection c, DocumentQuery query, ViewFilter filter, int limit, Cursor cursor)
      throws SQLException {
    boolean byIds = !query.ids().isEmpty();
    List<String> input = byIds ? query.ids() : query.slugs();
    String type = query.type() == null || query.type().isEmpty() ? null : query.type();
    List<Entry> resolved = new ArrayList<>(input.size());
    Set<String> seen = new HashSet<>();
    for (String name : input) {
      Entry entry = byIds ? live(c, name, filter.branch()) : bySlug(c, name, filter.branch());
      boolean wanted = entry != null && (type == null || type.equals(entry.documentType())) && seen.add(entry.id());
      resolved.add(wanted ? entry : null);
    }
    int start = cursor == null ? 0 : cursor.position() + 1;
    List<Document> items = new ArrayList<>(limit);
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
      items.add(resolved.get(i).toDocument(filter.scopes()));
      last = i;
    }
    Optional<String> next = more ? Optional.of(Cursor.afterPosition(last).encode()) : Optional.empty();
    return new Page<>(items, next);
  }

  private Entry live(Connection c, String id, String branch) throws SQLException {
    if (id == null) {
      return null;
    }
    DocKey key = new DocKey(id, branch);
    Entry entry = committedRows.get(key);
    if (entry == null) {
      long version = commits.stable();
      entry = Rows.load(c, Tables.LIVE, id, branch);
      if (entry != null) {
        committedRows.rememberLoaded(key, entry, commits, version);
      }
    }
    return entry != null && entry.live() ? entry : null;
  }

  /**
   * The document {@code idOrSlug} names by id and the one holding it as a slug: from what the writer
   * remembers when it remembers all of it as of one commit, else in one query (whose rows are then
   * remembered if no commit came meanwhile).
   */
  private IdOrSlug idOrSlug(Connection c, String idOrSlug, String branch) throws SQLException {
    if (idOrSlug == null) {
      return new IdOrSlug(null, null, null);
    }
    boolean slug = !idOrSlug.isEmpty();
    long version = commits.stable();
    Entry byId = committedRows.get(new DocKey(idOrSlug, branch));
    Optional<String> holder = slug ? committedSlugs.get(new SlugKey(branch, idOrSlug)) : Optional.empty();
    if (byId != null && holder != null) {
      Entry bySlug = holder.isEmpty() ? null
          : holder.get().equals(idOrSlug) ? byId : committedRows.get(new DocKey(holder.get(), branch));
      if ((holder.isEmpty() || bySlug != null) && commits.unchangedSince(version)) {
        return new IdOrSlug(byId, bySlug, holder.orElse(null));
      }
    }
    version = commits.stable();
    IdOrSlug found = Rows.loadByIdOrSlug(c, idOrSlug, branch);
    if (found.byId() != null) {
      committedRows.rememberLoaded(new DocKey(idOrSlug, branch), found.byId(), commits, version);
    }
    if (found.bySlug() != null) {
      committedRows.rememberLoaded(new DocKey(found.bySlug().id(), branch), found.bySlug(), commits, version);
    }
    if (slug) {
      committedSlugs.rememberLoaded(new SlugKey(branch, idOrSlug), Optional.ofNullable(found.holder()), commits, version);
    }
    return found;
  }

  private Entry bySlug(Connection c, String slug, String branch) throws SQLException {
    if (slug == null || slug.isEmpty()) {
      return null;
    }
    Entry entry = live(c, Rows.slugHolder(c, Tables.LIVE, branch, slug), branch);
    return entry != null && slug.equals(entry.slug()) ? entry : null;
  }

  private static Entry require(Entry entry, String identifier) {
    if (entry == null) {
      throw new DocumentNotFoundException(identifier);
    }
    return entry;
  }

  private static ViewFilter orMain(ViewFilter filter) {
    return filter == null ? ViewFilter.MAIN : filter;
  }

  // ---- rows --------------------------------------------------------------------------------------

  /** Reading and writing entries; the one place that knows the view's tables. */
  static final class Rows {

    /**
     * One query for the document row and its snapshots: one statement to compile and one consistent
     * read instead of two.
     */
    static String loadSql(Tables tables) {
      return "SELECT d.document_type, d.created, d.deleted, d.slug, d.name, d.created_at,"
          + " s.scope, s.content, s.last_index, s.last_hash, s.last_modified"
          + " FROM " + tables.of("quire_documents") + " d LEFT JOIN " + tables.of("quire_snapshots") + " s"
          + " ON s.document_id = d.document_id AND s.branch = d.branch"
          + " WHERE d.document_id = ? AND d.branch = ?";
    }

    static Entry load(Connection c, Tables tables, String id, String branch) throws SQLException {
      return Statements.run(c, loadSql(tables), ps -> load(ps, id, branch));
    }

    /** Runs {@code ps} (prepared with {@link #loadSql}) for one document. */
    static Entry load(PreparedStatement ps, String id, String branch) throws SQLException {
      ps.setString(1, id);
      ps.setString(2, branch);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String type = rs.getString(1);
        boolean created = rs.getBoolean(2);
        boolean deleted = rs.getBoolean(3);
        Header header = created ? new Header(rs.getString(4), rs.getString(5), instant(rs.getString(6))) : null;
        Map<String, Snapshot> scopes = new HashMap<>();
        do {
          String scope = rs.getString(7);
          if (scope != null) {
            scopes.put(scope,
                new Snapshot(json(rs.getString(8)), rs.getLong(9), rs.getString(10), instant(rs.getString(11))));
          }
        } while (rs.next());
        return new Entry(id, branch, type, header, deleted, scopes);
      }
    }

    /**
     * Parameters: with {@code slug}, (branch, idOrSlug, idOrSlug, branch, branch, idOrSlug, branch);
     * without, (idOrSlug, branch). Each part finds its document by the whole primary key, so the
     * planner takes that index whatever it knows of the table: with an OR of the two ids it chose
     * the {@code (branch, document_type)} index on a table without statistics (a fresh schema, until
     * autovacuum's first analyze) and read every document of the branch per read. The snapshots
     * join is a per-row index lookup, so the joined columns must share a collation. Rows come
     * ordered by document id, the two parts' rows apart unless both name the same document.
     */
    static String loadByIdOrSlugSql(boolean slug) {
      String holder = "(SELECT h.document_id FROM quire_slugs h WHERE h.branch = ? AND h.slug = ?)";
      String columns = "SELECT d.document_id, d.document_type, d.created, d.deleted, d.slug, d.name, d.created_at,"
          + " s.scope, s.content, s.last_index, s.last_hash, s.last_modified, ";
      String from = " FROM quire_documents d"
          + " LEFT JOIN quire_snapshots s ON s.document_id = d.document_id AND s.branch = d.branch";
      String byId = columns + (slug ? holder : "NULL") + " AS holder" + from
          + " WHERE d.document_id = ? AND d.branch = ?";
      if (!slug) {
        return byId;
      }
      return byId + " UNION ALL " + columns + "d.document_id" + from + " WHERE d.document_id = " + holder
          + " AND d.branch = ? ORDER BY 1";
    }

    /**
     * The document whose id is {@code idOrSlug} and the one holding it as a slug (either may be
     * null, deleted or not created yet), in one query: a read by id or slug is the hot read path,
     * and each statement costs a compile on SQLite.
     */
    static IdOrSlug loadByIdOrSlug(Connection c, String idOrSlug, String branch) throws SQLException {
      if (idOrSlug == null) {
        return new IdOrSlug(null, null, null);
      }
      boolean slug = !idOrSlug.isEmpty();
      String sql = loadByIdOrSlugSql(slug);
      Map<String, Entry> entries = new HashMap<>();
      String[] holderId = new String[1];
      Statements.run(c, sql, ps -> {
        int i = 1;
        if (slug) {
          ps.setString(i++, branch);
          ps.setString(i++, idOrSlug);
        }
        ps.setString(i++, idOrSlug);
        ps.setString(i++, branch);
        if (slug) {
          ps.setString(i++, branch);
          ps.setString(i++, idOrSlug);
          ps.setString(i, branch);
        }
        try (ResultSet rs = ps.executeQuery()) {
          boolean more = rs.next();
          while (more) {
            String id = rs.getString(1);
            holderId[0] = rs.getString(13);
            String type = rs.getString(2);
            boolean created = rs.getBoolean(3);
            boolean deleted = rs.getBoolean(4);
            Header header = created ? new Header(rs.getString(5), rs.getString(6), instant(rs.getString(7))) : null;
            Map<String, Snapshot> scopes = new HashMap<>();
            do {
              String scope = rs.getString(8);
              if (scope != null) {
                scopes.put(scope,
                    new Snapshot(json(rs.getString(9)), rs.getLong(10), rs.getString(11), instant(rs.getString(12))));
              }
              more = rs.next();
            } while (more && id.equals(rs.getString(1)));
            entries.put(id, new Entry(id, branch, type, header, deleted, scopes));
          }
        }
        return null;
      });
      return new IdOrSlug(entries.get(idOrSlug), holderId[0] == null ? null : entries.get(holderId[0]), holderId[0]);
    }

    static String slugHolderSql(Tables tables) {
      return "SELECT document_id FROM " + tables.of("quire_slugs") + " WHERE branch = ? AND slug = ?";
    }

    static String slugHolder(Connection c, Tables tables, String branch, String slug) throws SQLException {
      return Statements.run(c, slugHolderSql(tables), ps -> slugHolder(ps, branch, slug));
    }

    static String slugHolder(PreparedStatement ps, String branch, String slug) throws SQLException {
      ps.setString(1, branch);
      ps.setString(2, slug);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }

    static String saveDocumentSql(Tables tables) {
      return "INSERT INTO " + tables.of("quire_documents")
          + " (document_id, branch, document_type, created, deleted, slug, name, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, branch) DO UPDATE SET"
          + " document_type = excluded.document_type, created = excluded.created, deleted = excluded.deleted,"
          + " slug = excluded.slug, name = excluded.name, created_at = excluded.created_at";
    }

    static String saveSnapshotSql(Tables tables) {
      return "INSERT INTO " + tables.of("quire_snapshots")
          + " (document_id, branch, scope, content, last_index, last_hash, last_modified)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, branch, scope) DO UPDATE SET"
          + " content = excluded.content, last_index = excluded.last_index, last_hash = excluded.last_hash,"
          + " last_modified = excluded.last_modified"
          // Never needed under the view's lock; a second line of defence against a scope rolling back.
          + " WHERE " + tables.of("quire_snapshots") + ".last_index <= excluded.last_index";
    }

    /** A row of {@code quire_documents} to write, in {@link #saveDocumentSql}'s parameter order. */
    record DocumentRow(String documentId, String branch, String documentType, boolean created, boolean deleted,
        String slug, String name, String createdAt) implements Bindable {
      @Override
      public void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, documentId);
        ps.setString(2, branch);
        ps.setString(3, documentType);
        ps.setBoolean(4, created);
        ps.setBoolean(5, deleted);
        ps.setString(6, slug);
        ps.setString(7, name);
        ps.setString(8, createdAt);
      }
    }

    /** A row of {@code quire_snapshots} to write, its content as JSON text, in {@link #saveSnapshotSql}'s order. */
    record SnapshotRow(String documentId, String branch, String scope, String content, long lastIndex, String lastHash,
        String lastModified) implements Bindable {
      @Override
      public void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, documentId);
        ps.setString(2, branch);
        ps.setString(3, scope);
        ps.setString(4, content);
        ps.setLong(5, lastIndex);
        ps.setString(6, lastHash);
        ps.setString(7, lastModified);
      }
    }

    /** A row that sets a prepared statement's parameters. */
    interface Bindable {
      void bind(PreparedStatement ps) throws SQLException;
    }

    /** Adds every row to {@code ps} and runs the batch. */
    static int[] addAll(PreparedStatement ps, List<? extends Bindable> rows) throws SQLException {
      for (Bindable row : rows) {
        row.bind(ps);
        ps.addBatch();
      }
      return ps.executeBatch();
    }

    /**
     * {@code entry}'s document row, or null when the stored row {@code before} already says the
     * same. Most operations change a scope, not the header: rewriting the row anyway cost a
     * statement and a dirty page (a WAL frame) per document and group.
     */
    static DocumentRow documentRow(Entry entry, Entry before) {
      if (before != null && before.deleted() == entry.deleted() && Objects.equals(before.header(), entry.header())
          && Objects.equals(before.documentType(), entry.documentType())) {
        return null;
      }
      Header header = entry.header();
      return new DocumentRow(entry.id(), entry.branch(), entry.documentType(), header != null, entry.deleted(),
          header == null ? null : header.slug(), header == null ? null : header.name(),
          header == null ? null : OperationRows.timestamp(header.createdAt()));
    }

    /** The rows of {@code entry}'s snapshots that differ from {@code before}'s. */
    static List<SnapshotRow> snapshotRows(Entry entry, Entry before) {
      List<SnapshotRow> rows = new ArrayList<>(entry.scopes().size());
      for (Map.Entry<String, Snapshot> scope : entry.scopes().entrySet()) {
        Snapshot old = before == null ? null : before.scopes().get(scope.getKey());
        Snapshot now = scope.getValue();
        if (!now.equals(old)) {
          rows.add(new SnapshotRow(entry.id(), entry.branch(), scope.getKey(), text(now.content()),
              now.lastOperationIndex(), now.lastOperationHash(),
              now.lastModifiedAt() == null ? null : OperationRows.timestamp(now.lastModifiedAt())));
        }
      }
      return rows;
    }

    /**
     * {@code entry} exactly as {@link #load} will read it back once {@code written} (its changed
     * snapshots' rows) are: their JSON re-parsed (a reducer's LongNode comes back an IntNode). What
     * the view remembers must not depend on whether a row was remembered. Instants need no round
     * trip: the stored text has every nanosecond ({@code OperationRowsTest} reads each back equal).
     */
    static Entry asStored(Entry entry, List<SnapshotRow> written) {
      if (written.isEmpty()) {
        return entry;
      }
      Map<String, Snapshot> scopes = new HashMap<>(entry.scopes());
      for (SnapshotRow row : written) {
        Snapshot now = entry.scopes().get(row.scope());
        scopes.put(row.scope(),
            new Snapshot(json(row.content()), now.lastOperationIndex(), now.lastOperationHash(), now.lastModifiedAt()));
      }
      return new Entry(entry.id(), entry.branch(), entry.documentType(), entry.header(), entry.deleted(), scopes);
    }

    static String saveSlugSql(Tables tables) {
      return "INSERT INTO " + tables.of("quire_slugs") + " (branch, slug, document_id) VALUES (?, ?, ?)"
          + " ON CONFLICT (branch, slug) DO UPDATE SET document_id = excluded.document_id";
    }

    static void saveSlug(Connection c, Tables tables, String branch, String slug, String holder) throws SQLException {
      String table = tables.of("quire_slugs");
      String sql = holder == null ? "DELETE FROM " + table + " WHERE branch = ? AND slug = ?" : saveSlugSql(tables);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, branch);
        ps.setString(2, slug);
        if (holder != null) {
          ps.setString(3, holder);
        }
        ps.executeUpdate();
      }
    }

    private static Instant instant(String text) {
      return text == null ? null : OperationRows.parseTimestamp(text);
    }

    private static JsonNode json(String text) {
      try {
        return text == null ? null : Json.mapper().readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Stored snapshot is not JSON: " + text, e);
      }
    }

    private static String text(JsonNode node) {
      try {
        return node == null ? null : Json.mapper().writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("Snapshot cannot be written as JSON", e);
      }
    }
  }

  // ---- entries -----------------------------------------------------------------------------------

  private record DocKey(String documentId, String branch) {}

  private record SlugKey(String branch, String slug) {}

  /**
   * What {@link Rows#loadByIdOrSlug} found: the document by id and the slug's holder (each may be
   * null), and the holder's id (null: nobody holds the slug).
   */
  private record IdOrSlug(Entry byId, Entry bySlug, String holder) {}

  /** Fields set by CREATE_DOCUMENT; {@code slug} becomes null when a newer document claims it. */
  private record Header(String slug, String name, Instant createdAt) {}

  /** One scope's state after {@code lastOperationIndex} (-1: the initial state before any operation). */
  private record Snapshot(JsonNode content, long lastOperationIndex, String lastOperationHash, Instant lastModifiedAt) {}

  /** One document on one branch, as the in-memory view's entry; immutable. */
  private record Entry(
      String id, String branch, String documentType, Header header, boolean deleted, Map<String, Snapshot> scopes) {

    Entry {
      scopes = Map.copyOf(scopes);
    }

    static Entry empty(String id, String branch, String documentType) {
      return new Entry(id, branch, documentType, null, false, Map.of());
    }

    boolean live() {
      return header != null && !deleted;
    }

    String slug() {
      return header == null ? null : header.slug();
    }

    /** With {@code scope}'s snapshot replaced or added; built as an immutable map at once (once per operation). */
    @SuppressWarnings("unchecked")
    Entry withScope(String scope, Snapshot snapshot) {
      Map.Entry<String, Snapshot>[] next = new Map.Entry[scopes.containsKey(scope) ? scopes.size() : scopes.size() + 1];
      int i = 0;
      for (Map.Entry<String, Snapshot> kept : scopes.entrySet()) {
        if (!kept.getKey().equals(scope)) {
          next[i++] = kept;
        }
      }
      next[i] = Map.entry(scope, snapshot);
      return new Entry(id, branch, documentType, header, deleted, Map.ofEntries(next));
    }

    Entry withHeader(String type, Header newHeader) {
      return new Entry(id, branch, type, newHeader, deleted, scopes);
    }

    Entry withSlug(String slug) {
      return new Entry(id, branch, documentType, new Header(slug, header.name(), header.createdAt()), deleted, scopes);
    }

    Entry asDeleted() {
      return new Entry(id, branch, documentType, header, true, scopes);
    }

    Document toDocument(Set<String> scopeFilter) {
      Map<String, Long> revision = new TreeMap<>();
      Map<String, JsonNode> state = new LinkedHashMap<>();
      Instant lastModified = header.createdAt();
      for (Map.Entry<String, Snapshot> entry : new TreeMap<>(scopes).entrySet()) {
        Snapshot snapshot = entry.getValue();
        revision.put(entry.getKey(), snapshot.lastOperationIndex() + 1);
        if (snapshot.lastModifiedAt() != null && snapshot.lastModifiedAt().isAfter(lastModified)) {
          lastModified = snapshot.lastModifiedAt();
        }
        boolean selected =
            scopeFilter.isEmpty() || scopeFilter.contains(entry.getKey()) || Scopes.DOCUMENT.equals(entry.getKey());
        if (selected && snapshot.content() != null) {
          state.put(entry.getKey(), snapshot.content().deepCopy());
        }
      }
      DocumentHeader documentHeader = new DocumentHeader(
          id, documentType, header.slug(), header.name(), branch, header.createdAt(), lastModified, revision);
      return new Document(documentHeader, state);
    }
  }

  /** Opaque find cursors: after a type query the last id returned, after a list query an input position. */
  private record Cursor(String tag, String value) {
    static final String AFTER_ID = "t";
    static final String AFTER_POSITION = "p";

    static Cursor afterId(String documentId) {
      return new Cursor(AFTER_ID, documentId);
    }

    static Cursor afterPosition(int position) {
      return new Cursor(AFTER_POSITION, Integer.toString(position));
    }

    int position() {
      return Integer.parseInt(value);
    }

    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((tag + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor, String expected) {
      String text;
      try {
        text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Malformed find cursor: " + cursor, e);
      }
      if (!text.startsWith(expected + ":")) {
        throw new IllegalArgumentException("Cursor " + cursor + " does not belong to this kind of query");
      }
      Cursor decoded = new Cursor(expected, text.substring(expected.length() + 1));
      if (AFTER_POSITION.equals(expected)) {
        try {
          if (decoded.position() < 0) {
            throw new IllegalArgumentException("Malformed find cursor: " + cursor);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Malformed find cursor: " + cursor, e);
        }
      }
      return decoded;
    }
  }
}
