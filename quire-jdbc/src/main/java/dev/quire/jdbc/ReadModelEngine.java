package dev.quire.jdbc;

import dev.quire.concurrent.NamedThreadFactory;
import dev.quire.concurrent.TaskThreads;
import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every JDBC read model shares: group-committed indexing, the durable checkpoint and per-stream
 * progress, the tracker, catch-up on start and token-gated queries. The read model supplies only
 * how a list of operations changes its own tables ({@link Applier}).
 *
 * <p><b>One transaction per group.</b> Concurrent {@link #index} calls are queued and applied by one
 * writer thread, many batches per transaction: the rows, the per-stream progress (unless the read
 * model's own rows record it, {@link Applier#progressTable()}) and the checkpoint commit together,
 * and the tracker learns of them only after the commit. If a group fails, each of its batches is
 * retried alone, so one bad batch fails alone. On a sole-writer database a group
 * that changes none of the read model's rows ({@link Applier#actionTypes()}: an indexer and a
 * {@code SET}) takes no transaction: readers could see nothing new, so the tracker learns of it at
 * once, and its progress and checkpoint go with the next transaction or alone after
 * {@link #UNWRITTEN_PROGRESS_MILLIS} (and at close). A crash loses only that record; the next
 * start reads those operations again from the store.
 *
 * <p><b>Checkpoint.</b> The stored checkpoint is the highest ordinal below which every operation has
 * been indexed (a low-water mark, never moving backwards). Batches of different streams commit in
 * any order, so a plain "highest ordinal indexed" could pass over an operation still in flight and a
 * restart would skip it; the low-water mark cannot. A gap below the indexed ordinals that lasts
 * longer than a second (operations this process was never given: another process's writes on a
 * shared PostgreSQL database, or batches lost in a crash) is filled by indexing those operations
 * from the store, idempotently and in ordinal order, so the mark keeps moving.
 *
 * <p><b>Start.</b> {@link #start} seeds the tracker from the stored per-stream progress (a token
 * issued before a restart is satisfied at once), then indexes every operation after the checkpoint
 * from the store in pages (without {@code resultingState}); live batches submitted meanwhile wait
 * until catch-up is done, so they never overtake it. Indexing is idempotent, so operations indexed
 * before a crash but above the checkpoint are harmlessly seen again.
 *
 * <p>Concurrency: indexing runs on the writer thread only; queries run on pooled connections, on
 * the caller's thread or, after a token wait, on the query executor (never the writer thread), and
 * callers' continuations run on the query executor too. {@code writeLock} is held around every
 * commit and a rebuild's swap, and guards the low-water state.
 */
final class ReadModelEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReadModelEngine.class);
  static final int CATCH_UP_PAGE = 500;
  /**
   * Operations per transaction of a catch-up or rebuild: large enough that commits and per-page
   * lookups are a small share, small enough that the write lock passes to live writers often.
   */
  static final int REPLAY_PAGE = 4_000;
  private static final int MAX_GROUP = 64;
  /**
   * No waiting for more operations: what queued during the previous commit makes the group. Waiting
   * while operations kept arriving (up to 1 ms) paid when each job's hand-off to the read models was
   * a platform-thread wake-up; since they are cheap (virtual threads), it cost 2-6 % of throughput
   * and 0.2 ms of median latency (docs/benchmarks.md, "Midday").
   */
  private static final GroupCommitter.Gathering GATHERING = new GroupCommitter.Gathering.None();
  private static final int GAP_LIMIT = 10_000;
  /**
   * On a sole-writer database, how long the progress of groups that changed none of the read
   * model's rows may wait for a transaction (it goes with the next one that writes, or alone after
   * this): an indexer that only records progress for most operations then takes no write
   * transaction per group. On SQLite's single write lock that cut the closed loop's CPU per job by
   * about 5 % and raised SQLite FULL's jobs/s by 9-17 % (three pairs; docs/benchmarks.md).
   */
  static final long UNWRITTEN_PROGRESS_MILLIS = 50;
  /** Streams whose progress may wait unwritten; past this a group writes it at once. */
  private static final int UNWRITTEN_PROGRESS_LIMIT = 10_000;
  /** A rebuild's table creation and swap are worth it from a few replay pages on. */
  static final long FRESH_REBUILD_MINIMUM = 5L * REPLAY_PAGE;

  /** Applies operations, in order, to the read model's tables ({@code tables}: live or a rebuild's shadow). */
  @FunctionalInterface
  interface Applier {
    /** Nothing to do after the commit. */
    Runnable NOTHING = () -> {};

    /**
     * @return what to do once the transaction committed, before readers are told (e.g. remember
     *     the rows it wrote); not run when it rolls back. Never null.
     */
    Runnable apply(Connection connection, List<OperationWithContext> operations, Tables tables) throws SQLException;

    /** A rebuild swapped its tables in: anything remembered of the live tables is out of date. */
    default void liveTablesReplaced() {}

    /**
     * A new replay of the store in document order for a rebuild, or null when this read model must
     * replay in ordinal order (its rows depend on operations of other documents as they come).
     */
    default DocumentReplay documentReplay() {
      return null;
    }

    /**
     * The action types this read model changes rows for (null: any operation may matter). A rebuild
     * reads only these; every operation still counts towards its stream's progress.
     */
    default Set<String> actionTypes() {
      return null;
    }

    /**
     * The read model's own table that records how far it got in every stream, or null (the
     * default) for the engine's shared {@code quire_stream_progress} table. The table has the
     * columns {@code document_id}, {@code scope}, {@code branch} and {@code last_index} (the
     * highest index applied to the stream; below 0: none yet), and the read model writes the row
     * of every operation's stream, never lowering it, in the transaction that applies the
     * operation: the document view's snapshots. The engine then writes no progress rows of its
     * own, which saved the view a second upsert per stream and group (3.7 % of SQLite's
     * closed-loop rate). Such a read model cannot leave action types out ({@link #actionTypes()}).
     */
    default String progressTable() {
      return null;
    }
  }

  /**
   * A rebuild's replay into empty tables, document by document: each document's operations in
   * ordinal order, documents one after another. A read model whose rows belong to one document
   * each then builds every row in memory from nothing and writes it once per page, instead of
   * reading it back and writing it again for each of its operations.
   */
  interface DocumentReplay {
    /** Applies one page; the page's last document may continue on the next page. */
    void apply(Connection connection, List<OperationWithContext> page, Tables tables) throws SQLException;

    /** After the last page, in a transaction of its own: what links documents, settled in ordinal order. */
    void finish(Connection connection, Tables tables) throws SQLException;
  }

  /** A query run on a pooled connection. */
  @FunctionalInterface
  interface Query<T> {
    T run(Connection connection) throws SQLException;
  }

  private final String name;
  private final QuireDatabase database;
  private final DataSource dataSource;
  private final OperationStore store;
  private final ConsistencyTracker tracker;
  private final Duration defaultTimeout;
  private final Applier applier;
  private final List<String> tables;
  // Held by the writer around each commit and by a rebuild's swap, which must see no commit between.
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private final EngineSql sql;
  private final GroupCommitter<List<OperationWithContext>, Void> writer;
  private final ExecutorService queries;
  private final AtomicBoolean starting = new AtomicBoolean();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  // PostgreSQL: streams that queries of this process wait on, with how many waits each.
  private final ConcurrentHashMap<StreamKey, Integer> waited = new ConcurrentHashMap<>();
  private final ProgressListener listener;
  private final ProgressListener.Subscriber subscriber;

  // Guarded by writeLock. Progress of row-less groups not yet written (see UNWRITTEN_PROGRESS_MILLIS).
  private final Map<StreamKey, Long> unwrittenProgress = new HashMap<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private volatile boolean closing;
  // Guarded by writeLock; the highest ordinal up to which every operation is indexed (read by checkpoint()).
  private volatile long lowWater;
  private long gapSinceNanos;
  // How long a gap below the indexed ordinals may last before it is filled from the store.
  private volatile long gapGraceNanos = TimeUnit.SECONDS.toNanos(1);
  // Below this, a start with nothing indexed pages through the store like any catch-up.
  private volatile long freshRebuildMinimum = FRESH_REBUILD_MINIMUM;
  private volatile int replayPage = REPLAY_PAGE;
  private volatile Runnable beforeSwap = () -> {};
  private volatile int reachedLimit = Reached.LIMIT;
  private final TreeSet<Long> above = new TreeSet<>();

  ReadModelEngine(
      String name,
      QuireDatabase database,
      OperationStore store,
      ConsistencyTracker tracker,
      Duration defaultTimeout,
      Applier applier,
      List<String> tables) {
    this.name = Objects.requireNonNull(name, "name");
    this.database = Objects.requireNonNull(database, "database");
    this.dataSource = database.dataSource();
    this.store = Objects.requireNonNull(store, "store");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.defaultTimeout = ReadGate.requireTimeout(defaultTimeout);
    this.applier = Objects.requireNonNull(applier, "applier");
    this.tables = List.copyOf(tables);
    String progressTable = applier.progressTable();
    if (progressTable != null && applier.actionTypes() != null) {
      throw new IllegalArgumentException(name + ": a read model that records its progress in " + progressTable
          + " must be given every operation, so it cannot restrict the action types it reads");
    }
    this.sql = new EngineSql(database.dialect(), progressTable);
    this.writer = new GroupCommitter<>("quire-jdbc-" + name, MAX_GROUP, GATHERING, this::writeGroup);
    this.queries = TaskThreads.newExecutor("quire-jdbc-" + name + "-query");
    if (database.dialect() == Dialect.POSTGRESQL) {
      this.listener = database.progressListener();
      this.subscriber = new ProgressListener.Subscriber() {
        @Override
        public String readModel() {
          return ReadModelEngine.this.name;
        }

        @Override
        public void progressCommitted() {
          if (!database.soleWriter()) {
            refreshProgress(List.copyOf(waited.keySet()));
          }
        }
      };
      listener.register(subscriber);
    } else {
      this.listener = null;
      this.subscriber = null;
    }
  }

  String name() {
    return name;
  }

  ConsistencyTracker tracker() {
    return tracker;
  }

  QuireDatabase database() {
    return database;
  }

  /** Test seam: operations per transaction of a catch-up or rebuild. */
  void replayPage(int operations) {
    this.replayPage = operations;
  }

  /** Test seam: how many stored operations make a start with nothing indexed a rebuild. */
  void freshRebuildMinimum(long operations) {
    this.freshRebuildMinimum = operations;
  }

  /** Test seam: how many stream coordinates a replay in document order keeps for the tracker. */
  void reachedLimit(int coordinates) {
    this.reachedLimit = coordinates;
  }

  /** Test seam: runs between a rebuild's replay and its swap (whose catch-up takes what came since). */
  void beforeSwap(Runnable hook) {
    this.beforeSwap = hook;
  }

  /**
   * The store when its table is in this read model's database: a rebuild can then read it in the
   * order and with the filter it likes, and derive the per-stream progress from it in one statement.
   */
  private JdbcOperationStore localStore() {
    return store instanceof JdbcOperationStore jdbc && jdbc.database() == database ? jdbc : null;
  }

  /** Test seam: how long a gap below the indexed ordinals may last before it is filled from the store. */
  void gapGrace(Duration grace) {
    this.gapGraceNanos = grace.toNanos();
  }

  /** Seeds the tracker and catches up from the checkpoint; idempotent. */
  CompletableFuture<Void> start() {
    if (starting.compareAndSet(false, true)) {
      Thread thread = NamedThreadFactory.daemon("quire-jdbc-" + name + "-catch-up").newThread(() -> {
        try {
          catchUp();
          started.complete(null);
        } catch (Throwable t) {
          log.error("{}: catch-up failed", name, t);
          started.completeExceptionally(t);
        }
      });
      thread.start();
    }
    return started;
  }

  /** Indexes a live batch once catch-up is done; completes after commit and tracker update. */
  CompletionStage<Void> index(List<OperationWithContext> operations) {
    List<OperationWithContext> batch = List.copyOf(operations);
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    start();
    CompletableFuture<Void> committed = started.isDone() && !started.isCompletedExceptionally()
        ? writer.submit(batch)
        : started.thenCompose(ignored -> writer.submit(batch));
    // The caller's continuations (coordinator bookkeeping, events) must not run on the writer thread.
    return committed.whenCompleteAsync((ignored, failure) -> {}, queries);
  }

  /** The stored checkpoint (low-water mark of indexed ordinals). */
  long checkpoint() {
    // The stored one lags by the progress that waits unwritten (at most UNWRITTEN_PROGRESS_MILLIS).
    return Math.max(lowWater, query(c -> sql.readCheckpoint(c, name)));
  }

  /** Re-reads the stored progress of {@code streams} (e.g. written by another process) into the tracker. */
  void refreshProgress(Collection<StreamKey> streams) {
    if (streams.isEmpty()) {
      return;
    }
    List<ConsistencyCoordinate> found = query(c -> sql.readProgress(c, name, streams));
    tracker.update(found);
  }

  /** Runs {@code query} after {@code read}'s token is satisfied. */
  <T> CompletableFuture<T> afterToken(ReadOptions read, Query<T> query) {
    ReadOptions options = read == null ? ReadOptions.NONE : read;
    CompletableFuture<Void> gate = ReadGate.await(tracker, options, defaultTimeout);
    // A sole writer has no other process to wait for; and stored progress read here could run
    // ahead of the commit's after-commit step (the view's memory), which must precede the tracker.
    if (!gate.isDone() && listener != null && !database.soleWriter()) {
      awaitOtherProcesses(options, gate);
    }
    if (gate.isDone() && !gate.isCompletedExceptionally()) {
      try {
        return CompletableFuture.completedFuture(query(query));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return gate.thenApplyAsync(ignored -> query(query), queries);
  }

  /**
   * PostgreSQL: the token may come from another process whose commit this process's tracker never
   * saw. Registers the streams for the listener first, then reads their stored progress once, so a
   * commit either happened before that read or notifies after it: never lost.
   */
  private void awaitOtherProcesses(ReadOptions read, CompletableFuture<Void> gate) {
    List<StreamKey> keys = read.token().coordinates().stream().map(ConsistencyCoordinate::key).distinct().toList();
    keys.forEach(key -> waited.merge(key, 1, Integer::sum));
    gate.whenComplete((ignored, failure) ->
        keys.forEach(key -> waited.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null)));
    try {
      refreshProgress(keys);
    } catch (RuntimeException e) {
      log.warn("{}: cannot read stored progress for a token wait; relying on notifications", name, e);
    }
  }

  /** Runs {@code query} on a pooled connection in auto-commit. */
  <T> T query(Query<T> query) {
    try (Connection c = dataSource.getConnection()) {
      return query.run(c);
    } catch (SQLException e) {
      throw new StorageException(name + ": query failed in " + database.description() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.unregister(subscriber);
    }
    closing = true;
    writer.submit(List.of()); // handled before the writer stops: writes progress still unwritten
    writer.close();
    queries.shutdown();
    try {
      queries.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- start ------------------------------------------------------------------------------------

  private void catchUp() {
    List<ConsistencyCoordinate> progress = query(c -> sql.readProgress(c, name, null));
    tracker.update(progress);
    long after = checkpoint();
    writeLock.lock();
    try {
      lowWater = Math.max(lowWater, after);
    } finally {
      writeLock.unlock();
    }
    long target = store.lastOrdinal();
    if (after == 0 && target >= freshRebuildMinimum && localStore() != null && rebuilding.compareAndSet(false, true)) {
      // Nothing indexed yet and much to index: a rebuild (shadow tables, reading only what the read
      // model needs, in the order it likes) is the same result several times faster, and a crash
      // in it leaves nothing half done behind.
      try {
        long replayed = rebuildInto();
        log.info("{}: started; built from the store up to ordinal {} in document order", name, replayed);
        return;
      } catch (SQLException e) {
        throw new StorageException(name + ": catch-up by rebuild failed in " + database.description() + ": "
            + e.getMessage(), e);
      } finally {
        rebuilding.set(false);
      }
    }
    int indexed = 0;
    // Large pages, one transaction each, read one page ahead: reading overlaps applying, and a
    // failed page stops the catch-up before anything after it is applied.
    PrefetchedPages<?> pages = PrefetchedPages.byOrdinal(store, after, replayPage);
    while (after < target) {
      List<OperationWithContext> page = pages.next();
      if (page.isEmpty()) {
        break;
      }
      join(writer.submit(page));
      indexed += page.size();
      after = page.get(page.size() - 1).ordinal();
    }
    log.info("{}: started; {} stream(s) seeded, {} operation(s) caught up, checkpoint {}",
        name, progress.size(), indexed, after);
  }

  /** The result of {@code future}, rethrowing a failure's own runtime exception rather than its wrapper. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  // ---- rebuild ----------------------------------------------------------------------------------

  /**
   * Rebuilds the read model from the whole store into fresh shadow tables while the live tables
   * keep serving queries and live batches, then swaps them in: under the write lock (no live commit
   * in between) the shadow tables catch up with the last operations, replace the live ones, and the
   * per-stream progress and checkpoint are replaced by the rebuilt ones, all in one transaction.
   * Live batches committed meanwhile are covered because every live operation is in the store
   * before it is indexed. One rebuild at a time.
   */
  CompletableFuture<Void> rebuild() {
    if (!rebuilding.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(new IllegalStateException(name + " is already rebuilding"));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    NamedThreadFactory.daemon("quire-jdbc-" + name + "-rebuild").newThread(() -> {
      Throwable failure = null;
      try {
        start().join();
        long replayed = rebuildInto();
        log.info("{}: rebuilt from the store up to ordinal {} and swapped in", name, replayed);
      } catch (Throwable t) {
        log.error("{}: rebuild failed; the live tables are unchanged", name, t);
        failure = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      } finally {
        // Before the caller hears of it: a rebuild asked for right after this one must not be refused.
        rebuilding.set(false);
      }
      if (failure == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(failure);
      }
    }).start();
    return done;
  }

  @SuppressWarnings("try") // the turn is held for the block, not used in it
  private long rebuildInto() throws SQLException {
    try (RebuildTurns.Turn turn = database.rebuildTurns().take()) {
      return rebuildInTurn();
    }
  }

  private long rebuildInTurn() throws SQLException {
    inShadowTransaction(c -> {
      for (String table : tables) {
        sql.createShadow(c, table, Tables.SHADOW.of(table));
      }
      sql.createShadowProgress(c, name);
    });
    JdbcOperationStore local = localStore();
    Replayed replayed = local != null ? replayFromStoreTable(local) : new Replayed(replayByOrdinal(), null);
    Reached reached = replayed.reached();
    beforeSwap.run();
    long after;
    writeLock.lock();
    try {
      after = inTransaction(c -> {
        sql.lock(c, name);
        long last = replayed.upTo();
        for (List<OperationWithContext> page = store.getSinceOrdinal(last, CATCH_UP_PAGE); !page.isEmpty();
            page = store.getSinceOrdinal(last, CATCH_UP_PAGE)) {
          Map<StreamKey, Long> progress = applyShadow(c, page);
          if (reached != null) {
            reached.add(progress);
          }
          last = page.get(page.size() - 1).ordinal();
        }
        for (String table : tables) {
          sql.swap(c, Tables.SHADOW.of(table), table);
        }
        // With the store in this database every operation up to `last` is in the rebuilt tables,
        // so the store says how far each stream got.
        sql.swapProgress(c, name, last, local != null);
        sql.setCheckpoint(c, name, last);
        sql.notifyCommitted(c, name);
        return last;
      });
      applier.liveTablesReplaced();
      lowWater = after;
      above.headSet(after, true).clear();
      unwrittenProgress.clear(); // the swap stored every stream's progress up to `after`
    } finally {
      writeLock.unlock();
    }
    // What the swap stored, without reading it back when the replay saw every stream (0.15 s per 200,000).
    List<ConsistencyCoordinate> coordinates = reached != null ? reached.coordinates() : null;
    tracker.update(coordinates != null ? coordinates : query(c -> sql.readProgress(c, name, null)));
    return after;
  }

  /**
   * How far a replay into the shadow tables went: its last ordinal, and each stream's highest index
   * when the replay saw every operation up to it (else null: the swap's stored progress is read back).
   */
  private record Replayed(long upTo, Reached reached) {}

  /**
   * Each stream's highest index, gathered during a replay that sees every operation, for the
   * tracker after the swap. Bounded: past {@link #LIMIT} coordinates (about 20 MB) it lets go of
   * them, and the swap's stored progress is read back instead, so a store of millions of documents
   * does not hold two copies of every stream (this and the tracker's) at once.
   */
  private static final class Reached {
    static final int LIMIT = 500_000;
    private final int limit;
    private List<ConsistencyCoordinate> coordinates = new ArrayList<>();
    /** One instance per scope and branch name, not one per coordinate (see readProgress). */
    private final Map<String, String> names = new HashMap<>();

    Reached(int limit) {
      this.limit = limit;
    }

    /**
     * Adds the last operation of every run of one stream in {@code page}: within a stream indexes
     * rise with ordinals, so those include each stream's highest index (the tracker keeps the
     * highest of the rest). A map per operation cost a rebuild's apply thread 0.17 s per million
     * operations; this compares three strings.
     */
    void addRunEnds(List<OperationWithContext> page) {
      for (int i = 0; i < page.size() && coordinates != null; i++) {
        OperationWithContext op = page.get(i);
        OperationWithContext next = i + 1 < page.size() ? page.get(i + 1) : null;
        if (next == null || !next.documentId().equals(op.documentId()) || !next.scope().equals(op.scope())
            || !next.branch().equals(op.branch())) {
          add(new ConsistencyCoordinate(op.documentId(), names.computeIfAbsent(op.scope(), name -> name),
              names.computeIfAbsent(op.branch(), name -> name), op.operation().index()));
        }
      }
    }

    void add(Map<StreamKey, Long> progress) {
      progress.forEach((key, index) -> add(ConsistencyCoordinate.of(key, index)));
    }

    private void add(ConsistencyCoordinate coordinate) {
      if (coordinates == null) {
        return;
      }
      coordinates.add(coordinate);
      if (coordinates.size() > limit) {
        coordinates = null;
      }
    }

    /** The coordinates gathered, or null if there were too many to keep. */
    List<ConsistencyCoordinate> coordinates() {
      return coordinates;
    }
  }

  /** Replays the whole store into the shadow tables in ordinal order; returns the last ordinal replayed. */
  private long replayByOrdinal() throws SQLException {
    return replayPages(PrefetchedPages.byOrdinal(store, 0, replayPage), this::applyShadow);
  }

  /**
   * Replays the store up to its current last ordinal into the shadow tables: in document order when
   * the read model can take it, else in ordinal order, reading only the action types it changes rows
   * for. Writes no progress: the swap takes every stream's from the store at once. Returns that
   * last ordinal (later operations are left to the swap's catch-up, in ordinal order) and, for a
   * replay in document order, which read every operation, each stream's highest index.
   */
  private Replayed replayFromStoreTable(JdbcOperationStore operations) throws SQLException {
    long upTo = operations.lastOrdinal();
    DocumentReplay byDocument = applier.documentReplay();
    if (byDocument == null) {
      replayPages(PrefetchedPages.byOrdinal(operations, upTo, applier.actionTypes(), replayPage),
          (c, page) -> applier.apply(c, page, Tables.SHADOW));
      return new Replayed(upTo, null);
    }
    Reached reached = new Reached(reachedLimit);
    replayPages(PrefetchedPages.byDocument(operations, upTo, replayPage), (c, page) -> {
      byDocument.apply(c, page, Tables.SHADOW);
      reached.addRunEnds(page);
    });
    inShadowTransaction(c -> byDocument.finish(c, Tables.SHADOW));
    return new Replayed(upTo, reached);
  }

  @FunctionalInterface
  private interface PageWork {
    void apply(Connection c, List<OperationWithContext> page) throws SQLException;
  }

  /** Applies every page in a shadow transaction of its own; returns the last ordinal applied (0: none). */
  private long replayPages(PrefetchedPages<?> pages, PageWork work) throws SQLException {
    long after = 0;
    for (List<OperationWithContext> next = pages.next(); !next.isEmpty(); next = pages.next()) {
      List<OperationWithContext> page = next;
      inShadowTransaction(c -> work.apply(c, page));
      after = page.get(page.size() - 1).ordinal();
    }
    return after;
  }

  @FunctionalInterface
  private interface TransactionWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one write transaction (through the write gate), commits, and returns its result. */
  @SuppressWarnings("try") // the write gate is held for the block, not used in it
  private <T> T inTransaction(TransactionWork<T> work) throws SQLException {
    try (WriteGate.Permit permit = database.writeGate().enter();
        Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        Sql.rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  @FunctionalInterface
  private interface ShadowWork {
    void run(Connection c) throws SQLException;
  }

  private void inShadowTransaction(ShadowWork work) throws SQLException {
    inTransaction(c -> {
      work.run(c);
      return null;
    });
  }

  /** Applies a page to the shadow tables and records its streams' progress there; returns that progress. */
  private Map<StreamKey, Long> applyShadow(Connection c, List<OperationWithContext> page) throws SQLException {
    Map<StreamKey, Long> progress = highestIndexes(page);
    applier.apply(c, page, Tables.SHADOW);
    sql.writeProgress(c, Tables.SHADOW, name, progress);
    return progress;
  }

  private static Map<StreamKey, Long> highestIndexes(List<OperationWithContext> page) {
    Map<StreamKey, Long> highest = new LinkedHashMap<>();
    for (OperationWithContext op : page) {
      highest.merge(op.key(), op.operation().index(), Math::max);
    }
    return highest;
  }

  // ---- the writer thread ------------------------------------------------------------------------

  private void writeGroup(List<GroupCommitter.Request<List<OperationWithContext>, Void>> group) {
    writeBatches(group);
    fillLingeringGap();
  }

  private void writeBatches(List<GroupCommitter.Request<List<OperationWithContext>, Void>> group) {
    List<OperationWithContext> all = new ArrayList<>();
    for (var request : group) {
      all.addAll(request.item());
    }
    try {
      commit(all);
      group.forEach(r -> r.result().complete(null));
      return;
    } catch (Exception e) {
      if (group.size() == 1) {
        group.get(0).result().completeExceptionally(unwrap(e));
        return;
      }
      log.debug("{}: group of {} failed, retrying batch by batch", name, group.size(), e);
    }
    for (var request : group) {
      try {
        commit(request.item());
        request.result().complete(null);
      } catch (Exception e) {
        request.result().completeExceptionally(unwrap(e));
      }
    }
  }

  /**
   * Indexes, from the store, the operations below the first ordinal indexed here when that gap has
   * lasted longer than {@code gapGraceNanos}. In one process gaps close by themselves (batches of
   * parallel streams finish in any order); a gap that lingers holds operations this process was
   * never given: another process's writes on a shared PostgreSQL database, or batches lost in a
   * crash. Indexing them is idempotent and goes in ordinal order, so it never overtakes a stream.
   */
  private void fillLingeringGap() {
    long from;
    int count;
    writeLock.lock();
    try {
      if (above.isEmpty()) {
        gapSinceNanos = 0;
        return;
      }
      long now = System.nanoTime();
      if (gapSinceNanos == 0) {
        gapSinceNanos = now;
      }
      if (now - gapSinceNanos < gapGraceNanos) {
        return;
      }
      gapSinceNanos = 0;
      from = lowWater;
      count = (int) Math.min(CATCH_UP_PAGE, above.first() - lowWater - 1);
    } finally {
      writeLock.unlock();
    }
    if (count <= 0) {
      return;
    }
    try {
      List<OperationWithContext> page = store.getSinceOrdinal(from, count);
      if (!page.isEmpty()) {
        commit(page);
      }
    } catch (Exception e) {
      log.warn("{}: could not index operations after ordinal {} from the store; will retry", name, from, e);
    }
  }

  private void commit(List<OperationWithContext> operations) throws SQLException {
    writeLock.lock();
    try {
      commitLocked(operations);
    } finally {
      writeLock.unlock();
    }
  }

  // Low-water state is read and written under writeLock (a rebuild's swap resets it).
  private void commitLocked(List<OperationWithContext> operations) throws SQLException {
    Set<Long> ordinals = new HashSet<>();
    Map<StreamKey, Long> progress = new LinkedHashMap<>();
    List<ConsistencyCoordinate> coordinates = new ArrayList<>(operations.size());
    for (OperationWithContext op : operations) {
      if (op.ordinal() > lowWater) {
        ordinals.add(op.ordinal());
      }
      progress.merge(op.key(), op.operation().index(), Math::max);
      coordinates.add(op.coordinate());
    }
    long newLowWater = lowWater;
    while (ordinals.contains(newLowWater + 1) || above.contains(newLowWater + 1)) {
      newLowWater++;
    }
    if (operations.isEmpty() && unwrittenProgress.isEmpty()) {
      return; // a flush with nothing left to write
    }
    if (!operations.isEmpty() && changesNoRows(operations) && database.soleWriter()
        && unwrittenProgress.size() < UNWRITTEN_PROGRESS_LIMIT) {
      // Readers see nothing new, so nothing waits for this transaction: its progress waits for the next one.
      progress.forEach((stream, index) -> unwrittenProgress.merge(stream, index, Math::max));
      scheduleFlush();
    } else {
      unwrittenProgress.forEach((stream, index) -> progress.merge(stream, index, Math::max));
      long checkpoint = newLowWater;
      Runnable committed = inTransaction(c -> {
        sql.lock(c, name);
        List<OperationWithContext> toApply =
            database.soleWriter() ? operations : withUnindexedPredecessors(c, operations);
        Runnable afterCommit = toApply.isEmpty() ? Applier.NOTHING : applier.apply(c, toApply, Tables.LIVE);
        sql.writeProgress(c, Tables.LIVE, name, progress);
        sql.writeCheckpointAndNotify(c, name, checkpoint);
        return afterCommit;
      });
      committed.run();
      unwrittenProgress.clear();
    }
    above.addAll(ordinals);
    lowWater = Math.max(lowWater, newLowWater);
    above.headSet(lowWater, true).clear();
    if (above.size() > GAP_LIMIT) {
      log.warn("{}: {} indexed operations wait above checkpoint {}; forgetting them (the checkpoint stays,"
          + " so the next start re-reads them from the store)", name, above.size(), lowWater);
      above.clear();
    }
    tracker.update(coordinates);
  }

  /**
   * Several processes on one schema: {@code operations} preceded by the earlier operations of their
   * streams that no process has indexed yet (read under the lock, so what the stored progress says
   * is settled). Each process is handed only its own writes, so a stream written by two processes
   * can reach this one ahead of the other's indexing of the operation before: indexed as given, the
   * stream's progress would claim that operation (a token for the later one honoured without it),
   * and the indexer, which ignores what its progress already covers, would then drop it for good.
   * Only streams this process's tracker does not already cover up to the group's first operation
   * are looked up, so a process writing its own documents pays nothing.
   */
  private List<OperationWithContext> withUnindexedPredecessors(Connection c, List<OperationWithContext> operations)
      throws SQLException {
    JdbcOperationStore operationsTable = localStore();
    if (operationsTable == null || operations.isEmpty()) {
      return operations;
    }
    Map<StreamKey, Long> firsts = new LinkedHashMap<>();
    for (OperationWithContext op : operations) {
      firsts.merge(op.key(), op.operation().index(), Math::min);
    }
    List<StreamKey> uncovered = new ArrayList<>();
    firsts.forEach((stream, first) -> {
      if (first > 0 && tracker.getLatest(stream).orElse(-1) < first - 1) {
        uncovered.add(stream);
      }
    });
    if (uncovered.isEmpty()) {
      return operations;
    }
    Map<StreamKey, Long> stored = new HashMap<>();
    for (ConsistencyCoordinate coordinate : sql.readProgress(c, name, uncovered)) {
      stored.put(coordinate.key(), coordinate.operationIndex());
    }
    List<OperationWithContext> toApply = new ArrayList<>();
    for (StreamKey stream : uncovered) {
      long from = stored.getOrDefault(stream, -1L) + 1;
      if (from < firsts.get(stream)) {
        toApply.addAll(operationsTable.streamRange(c, stream, from, firsts.get(stream) - 1));
      }
    }
    if (toApply.isEmpty()) {
      return operations;
    }
    toApply.addAll(operations);
    return toApply;
  }

  /** Whether none of {@code operations} is of a type the read model changes rows for. */
  private boolean changesNoRows(List<OperationWithContext> operations) {
    Set<String> types = applier.actionTypes();
    if (types == null) {
      return false;
    }
    for (OperationWithContext op : operations) {
      if (types.contains(op.operation().action().type())) {
        return false;
      }
    }
    return true;
  }

  /** Has the writer write the unwritten progress in {@link #UNWRITTEN_PROGRESS_MILLIS}, unless a group does first. */
  private void scheduleFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      CompletableFuture.delayedExecutor(UNWRITTEN_PROGRESS_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
        flushScheduled.set(false);
        writer.submit(List.of()).whenComplete((done, failure) -> {
          if (failure != null && !closing) { // once closing, close() writes what is left
            log.warn("{}: could not store progress; retrying in {} ms", name, UNWRITTEN_PROGRESS_MILLIS, failure);
            scheduleFlush();
          }
        });
      });
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** The engine's own SQL, per dialect. */
  static final class EngineSql {
    private final Dialect dialect;
    // The read model's own progress table (Applier.progressTable), or null: the shared one. With
    // its own, the read model's rows carry the progress, and the progress methods below write nothing.
    private final String ownProgress;

    /** See {@link #writeCheckpointAndNotify}; built once, as the statement cache keys on the text. */
    private final String checkpointAndNotify;

    EngineSql(Dialect dialect, String ownProgress) {
      this.dialect = dialect;
      this.ownProgress = ownProgress;
      boolean postgres = dialect == Dialect.POSTGRESQL;
      String upsert = "INSERT INTO quire_read_model_checkpoints (read_model, last_ordinal) VALUES (?, ?)"
          + " ON CONFLICT (read_model) DO UPDATE SET last_ordinal = "
          + (postgres ? "GREATEST" : "MAX") + "(quire_read_model_checkpoints.last_ordinal, excluded.last_ordinal),"
          + " updated_at = " + (postgres ? "now()" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
      // A data-modifying WITH runs whether or not the query reads it; the notification is queued
      // in the same transaction, so it is delivered only if the checkpoint commits.
      this.checkpointAndNotify =
          postgres ? "WITH advanced AS (" + upsert + ") " + ProgressListener.notifySql() : upsert;
    }

    /** PostgreSQL: serialise this read model's writers across processes for the transaction. */
    void lock(Connection c, String readModel) throws SQLException {
      if (dialect != Dialect.POSTGRESQL) {
        return;
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '.rm.' || ?, 0))")) {
        ps.setString(1, readModel);
        ps.execute();
      }
    }

    /** Drops any leftover {@code shadow} and creates it empty with {@code table}'s columns, keys and indexes. */
    void createShadow(Connection c, String table, String shadow) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + shadow);
        if (dialect == Dialect.POSTGRESQL) {
          s.execute("CREATE TABLE " + shadow + " (LIKE " + table + " INCLUDING ALL)");
          return;
        }
        List<String> ddl = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(
            "SELECT sql FROM sqlite_master WHERE tbl_name = '" + table + "' AND sql IS NOT NULL ORDER BY type DESC")) {
          while (rs.next()) {
            ddl.add(rs.getString(1));
          }
        }
        for (String statement : ddl) {
          s.execute(shadowDdl(statement, table, shadow));
        }
      }
    }

    private static final Pattern INDEX_DDL = Pattern.compile("(?is)(CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+)(\\S+)(\\s+ON\\s+.*)");

    /**
     * {@code table}'s DDL statement for {@code shadow}. The table is renamed throughout. An index
     * keeps the name it has when the swap renames its table, so the shadow's indexes alternate
     * between the migration's name and the shadow's ({@code quire_documents_type},
     * {@code quire_documents_rebuild_type}); renaming the live name again each rebuild made them
     * grow by a suffix per rebuild.
     */
    static String shadowDdl(String statement, String table, String shadow) {
      Matcher index = INDEX_DDL.matcher(statement);
      if (!index.matches()) {
        return statement.replace(table, shadow);
      }
      String name = index.group(2);
      String plain = name;
      for (String shorter = plain.replace(shadow, table); !shorter.equals(plain); shorter = plain.replace(shadow, table)) {
        plain = shorter;
      }
      String shadowName = name.equals(plain) ? plain.replace(table, shadow) : plain;
      return index.group(1) + shadowName + index.group(3).replace(table, shadow);
    }

    /** Replaces {@code table} by {@code shadow}. */
    void swap(Connection c, String shadow, String table) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + table);
        s.execute("ALTER TABLE " + shadow + " RENAME TO " + table);
      }
    }

    /** A rebuild's empty shadow progress table (none for a read model with its own). */
    void createShadowProgress(Connection c, String readModel) throws SQLException {
      if (ownProgress == null) {
        createShadow(c, Tables.PROGRESS, Tables.SHADOW.progress(readModel));
      }
    }

    /**
     * At a rebuild's swap: the stored progress from the store up to {@code upTo} when the store's
     * table is in this database ({@code fromStore}), else from the shadow progress (nothing for a
     * read model with its own: the swapped-in tables carry it).
     */
    void swapProgress(Connection c, String readModel, long upTo, boolean fromStore) throws SQLException {
      if (ownProgress != null) {
        return;
      }
      if (fromStore) {
        progressFromStore(c, readModel, upTo);
      } else {
        replaceProgress(c, readModel);
      }
    }

    /** Replaces the read model's stored progress with the shadow progress, and drops the shadow. */
    private void replaceProgress(Connection c, String readModel) throws SQLException {
      String shadow = Tables.SHADOW.progress(readModel);
      deleteProgress(c, readModel);
      try (PreparedStatement copy = c.prepareStatement("INSERT INTO " + Tables.PROGRESS
          + " (read_model, document_id, scope, branch, last_index)"
          + " SELECT read_model, document_id, scope, branch, last_index FROM " + shadow + " WHERE read_model = ?")) {
        copy.setString(1, readModel);
        copy.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + shadow);
      }
    }

    /**
     * Sets the read model's progress to every stream's highest index among the store's operations up
     * to {@code upTo}, in one statement that both databases answer from the store's unique index,
     * and drops the shadow progress (a rebuild that read the store table directly wrote none worth
     * keeping). An upsert that leaves equal rows alone, not a delete and insert: rebuilding a read
     * model that has progress then rewrites only the rows that differ (0.30 against 0.38 s for
     * 200,000 unchanged rows in the sqlite3 shell, and none of them through the WAL). The store is
     * append-only, so every stream with progress is among those the statement sets.
     */
    private void progressFromStore(Connection c, String readModel, long upTo) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Tables.PROGRESS
          + " (read_model, document_id, scope, branch, last_index)"
          + " SELECT ?, document_id, scope, branch, MAX(op_index) FROM quire_operations WHERE ordinal <= ?"
          + " GROUP BY document_id, scope, branch"
          + " ON CONFLICT (read_model, document_id, scope, branch) DO UPDATE SET last_index = excluded.last_index"
          + " WHERE " + Tables.PROGRESS + ".last_index <> excluded.last_index")) {
        ps.setString(1, readModel);
        ps.setLong(2, upTo);
        ps.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + Tables.SHADOW.progress(readModel));
      }
    }

    private static void deleteProgress(Connection c, String readModel) throws SQLException {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + Tables.PROGRESS + " WHERE read_model = ?")) {
        delete.setString(1, readModel);
        delete.executeUpdate();
      }
    }

    void setCheckpoint(Connection c, String readModel, long ordinal) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO quire_read_model_checkpoints (read_model, last_ordinal) VALUES (?, ?)"
              + " ON CONFLICT (read_model) DO UPDATE SET last_ordinal = excluded.last_ordinal")) {
        ps.setString(1, readModel);
        ps.setLong(2, ordinal);
        ps.executeUpdate();
      }
    }

    /** PostgreSQL: a notification delivered to every listening process when this transaction commits. */
    void notifyCommitted(Connection c, String readModel) throws SQLException {
      if (dialect != Dialect.POSTGRESQL) {
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(ProgressListener.notifySql())) {
        ps.setString(1, readModel);
        ps.execute();
      }
    }

    long readCheckpoint(Connection c, String readModel) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT last_ordinal FROM quire_read_model_checkpoints WHERE read_model = ?")) {
        ps.setString(1, readModel);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0;
        }
      }
    }

    /**
     * Advances the read model's checkpoint to at least {@code ordinal} and, on PostgreSQL, notifies
     * the listening processes at commit, in one statement: a round trip fewer per transaction (of
     * five or six when a group is one job, as under a light load).
     */
    void writeCheckpointAndNotify(Connection c, String readModel, long ordinal) throws SQLException {
      boolean postgres = dialect == Dialect.POSTGRESQL;
      Statements.run(c, checkpointAndNotify, ps -> {
        ps.setString(1, readModel);
        ps.setLong(2, ordinal);
        if (postgres) {
          ps.setString(3, readModel);
        }
        return ps.execute();
      });
    }

    void writeProgress(Connection c, Tables tables, String readModel, Map<StreamKey, Long> progress)
        throws SQLException {
      if (ownProgress != null) {
        return;
      }
      String max = dialect == Dialect.POSTGRESQL ? "GREATEST" : "MAX";
      String table = tables.progress(readModel);
      Statements.run(c,
          "INSERT INTO " + table + " (read_model, document_id, scope, branch, last_index) VALUES (?, ?, ?, ?, ?)"
              + " ON CONFLICT (read_model, document_id, scope, branch) DO UPDATE SET last_index = " + max
              + "(" + table + ".last_index, excluded.last_index)",
          ps -> {
            for (Map.Entry<StreamKey, Long> entry : progress.entrySet()) {
              ps.setString(1, readModel);
              ps.setString(2, entry.getKey().documentId());
              ps.setString(3, entry.getKey().scope());
              ps.setString(4, entry.getKey().branch());
              ps.setLong(5, entry.getValue());
              ps.addBatch();
            }
            return ps.executeBatch();
          });
    }

    /** Stored progress of {@code streams} (every stream when null). */
    List<ConsistencyCoordinate> readProgress(Connection c, String readModel, Collection<StreamKey> streams)
        throws SQLException {
      List<ConsistencyCoordinate> found = new ArrayList<>();
      if (streams == null) {
        try (PreparedStatement ps = c.prepareStatement(ownProgress == null
            ? "SELECT document_id, scope, branch, last_index FROM " + Tables.PROGRESS + " WHERE read_model = ?"
            : "SELECT document_id, scope, branch, last_index FROM " + ownProgress + " WHERE last_index >= 0")) {
          if (ownProgress == null) {
            ps.setString(1, readModel);
          }
          // One instance per scope and branch name, not one per row: a read-back of 1,000,000 streams
          // otherwise held 100 MB of copies of "global" and "main" until the tracker took them in
          // (the tracker keeps one instance of each name itself).
          Map<String, String> names = new HashMap<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String scope = names.computeIfAbsent(rs.getString(2), name -> name);
              String branch = names.computeIfAbsent(rs.getString(3), name -> name);
              found.add(new ConsistencyCoordinate(rs.getString(1), scope, branch, rs.getLong(4)));
            }
          }
        }
        return found;
      }
      String stream = "document_id = ? AND scope = ? AND branch = ?";
      try (PreparedStatement ps = c.prepareStatement(ownProgress == null
          ? "SELECT last_index FROM " + Tables.PROGRESS + " WHERE " + stream + " AND read_model = ?"
          : "SELECT last_index FROM " + ownProgress + " WHERE " + stream + " AND last_index >= 0")) {
        for (StreamKey key : streams) {
          ps.setString(1, key.documentId());
          ps.setString(2, key.scope());
          ps.setString(3, key.branch());
          if (ownProgress == null) {
            ps.setString(4, readModel);
          }
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              found.add(ConsistencyCoordinate.of(key, rs.getLong(1)));
            }
          }
        }
      }
      return found;
    }
  }
}
