package dev.quire.jdbc;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.store.DuplicateOperationException;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.store.RevisionMismatchException;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The operation store on SQLite or PostgreSQL ({@code quire_operations}).
 *
 * <p><b>Group commit.</b> {@link #append} hands its batch to one writer thread and blocks until the
 * batch is durable. The writer takes every batch waiting at that moment (up to {@code
 * maxGroupSize}), validates each against the stream heads (a batch that conflicts fails alone; the
 * others go on), inserts the accepted ones in ONE transaction and commits once, so concurrent jobs
 * share a single fsync and throughput grows with concurrency. How durable a commit is follows
 * {@link QuireDatabase#durability()}.
 *
 * <p><b>Optimistic concurrency.</b> A stream append must name the stream's next index; otherwise it
 * fails with {@link RevisionMismatchException} carrying the real head, unless it is an exact replay
 * of operations already stored there (same ids, indexes and skips), which returns the stored rows.
 * The unique key (document_id, scope, branch, op_index) backs this up, so even two Quire processes
 * sharing a PostgreSQL database never store two operations at one index.
 *
 * <p><b>Ordinals and visibility.</b> Ordinals are chosen by the writer as {@code max + 1} while it
 * holds the database's append lock (SQLite's write lock; on PostgreSQL a transaction-scoped advisory
 * lock taken first thing in the append transaction, held only for the group's insert and commit).
 * Lower ordinals are therefore always visible before higher ones, and {@link #getSinceOrdinal} can
 * be tailed by "last ordinal seen" without ever skipping a committed operation, also across
 * processes.
 *
 * <p>Concurrency: thread-safe. Appends are serialised through the writer thread; reads use pooled
 * connections in auto-commit and run in parallel with it.
 */
public final class JdbcOperationStore implements OperationStore {

  /** Default maximum number of write batches committed in one transaction. */
  public static final int DEFAULT_MAX_GROUP_SIZE = 256;

  // Bound on parameters per statement (SQLite allows 32766, PostgreSQL 65535).
  private static final int MAX_TUPLES_PER_QUERY = 500;
  private static final int MAX_RACE_RETRIES = 3;
  // Far below one fsync (milliseconds), so waiting for stragglers costs little and saves commits.
  private static final GroupCommitter.Gathering GATHERING =
      new GroupCommitter.Gathering.ToPreviousSize(TimeUnit.MICROSECONDS.toNanos(500));

  /** Test seam: runs on the writer thread inside the append transaction. */
  interface AppendHook {
    AppendHook NONE = ordinals -> {};

    /** After the group was validated against the heads, before its rows are inserted. */
    default void beforeInsert() throws Exception {}

    /** After the rows are inserted, just before commit. */
    void beforeCommit(List<Long> ordinals) throws Exception;
  }

  private final QuireDatabase database;
  private final DataSource dataSource;
  private final OperationSql sql;
  private final AppendHook hook;
  private final GroupCommitter<EncodedBatch, List<OperationWithContext>> writer;
  private final DocumentTypes knownTypes = new DocumentTypes();
  // Writer thread only.
  private final StreamHeads knownHeads;
  private volatile boolean ownsDatabase;

  /** A store on a database shared with other stores and read models; closing the store leaves it open. */
  public JdbcOperationStore(QuireDatabase database) {
    this(database, DEFAULT_MAX_GROUP_SIZE, AppendHook.NONE);
  }

  /**
   * Opens the database at {@code url} (see {@link QuireDatabase#open(String, DatabaseConfig)}) for this
   * store alone; {@link #close()} closes it too.
   */
  public static JdbcOperationStore open(String url, DatabaseConfig config) {
    QuireDatabase database = QuireDatabase.open(url, config);
    JdbcOperationStore store = new JdbcOperationStore(database);
    store.ownsDatabase = true;
    return store;
  }

  public JdbcOperationStore(QuireDatabase database, int maxGroupSize) {
    this(database, maxGroupSize, AppendHook.NONE);
  }

  JdbcOperationStore(QuireDatabase database, int maxGroupSize, AppendHook hook) {
    this.database = Objects.requireNonNull(database, "database");
    this.dataSource = database.dataSource();
    this.sql = OperationSql.forDialect(database.dialect());
    this.hook = Objects.requireNonNull(hook, "hook");
    this.knownHeads = new StreamHeads(database.soleWriter());
    this.writer = new GroupCommitter<>("quire-jdbc-append", maxGroupSize, GATHERING, this::writeGroup);
  }

  public QuireDatabase database() {
    return database;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks until the group holding this batch has committed (or failed). The wait is not
   * interruptible: once queued, the write's outcome is decided by the writer, and returning early
   * would leave the caller unsure whether it happened.
   *
   * @throws StorageException when the database fails; the batch may or may not be stored (replaying
   *     it with the same operations is safe)
   * @throws IllegalArgumentException when an operation cannot be stored (a timestamp outside the
   *     years 0-9999, an action that cannot be written as JSON); nothing is stored
   */
  @Override
  public List<OperationWithContext> append(WriteBatch batch) {
    CompletableFuture<List<OperationWithContext>> result = writer.submit(EncodedBatch.of(batch));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The same as {@link #append(WriteBatch)} without blocking a thread. The future completes on a
   * common-pool thread, never on the writer thread, so continuations cannot stall group commit.
   */
  public CompletableFuture<List<OperationWithContext>> appendAsync(WriteBatch batch) {
    EncodedBatch encoded;
    try {
      encoded = EncodedBatch.of(batch);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return writer.submit(encoded).whenCompleteAsync((result, failure) -> {});
  }

  @Override
  public Page<Operation> getSince(StreamKey stream, long afterIndex, OperationFilter filter, PageRequest page) {
    Objects.requireNonNull(stream, "stream");
    OperationFilter f = filter == null ? OperationFilter.NONE : filter;
    PageRequest p = page == null ? PageRequest.firstDefault() : page;
    long after = p.cursor() == null ? afterIndex : Math.max(afterIndex, parseCursor(p.cursor()));
    List<String> types = f.actionTypes() == null ? List.of() : List.copyOf(f.actionTypes());
    if (f.actionTypes() != null && types.isEmpty()) {
      return Page.last(List.of());
    }
    String query = sql.since(types.size(), f.timestampFrom() != null, f.timestampTo() != null);
    List<Operation> items = query(query, ps -> {
      bindStream(ps, stream.documentId(), stream.scope(), stream.branch());
      int i = 4;
      ps.setLong(i++, after);
      for (String type : types) {
        ps.setString(i++, type);
      }
      if (f.timestampFrom() != null) {
        ps.setString(i++, OperationRows.timestamp(f.timestampFrom()));
      }
      if (f.timestampTo() != null) {
        ps.setString(i++, OperationRows.timestamp(f.timestampTo()));
      }
      ps.setInt(i, p.limit() + 1);
      return rows(ps, rs -> sql.rows.read(rs).operation());
    }, () -> "read stream " + stream);
    if (items.size() <= p.limit()) {
      return Page.last(items);
    }
    List<Operation> pageItems = items.subList(0, p.limit());
    return new Page<>(pageItems, Optional.of(Long.toString(pageItems.get(pageItems.size() - 1).index())));
  }

  @Override
  public List<OperationWithContext> getSinceOrdinal(long afterOrdinal, int limit) {
    requirePositive(limit);
    return query(sql.sinceOrdinal, ps -> {
      ps.setLong(1, afterOrdinal);
      ps.setInt(2, limit);
      return rows(ps, sql.rows::read);
    }, () -> "read operations after ordinal " + afterOrdinal);
  }

  /**
   * Up to {@code limit} operations after {@code afterOrdinal} and up to {@code upToOrdinal}, in
   * ordinal order, of the given action types only (null: all). The others are skipped by the
   * database, not read: what a rebuild of a read model that needs few of them reads. Undecoded.
   */
  List<StoredOperation> getSinceOrdinal(long afterOrdinal, long upToOrdinal, Set<String> actionTypes, int limit) {
    requirePositive(limit);
    List<String> types = actionTypes == null ? List.of() : List.copyOf(actionTypes);
    if (actionTypes != null && types.isEmpty()) {
      return List.of();
    }
    return query(sql.sinceOrdinalUpTo(types.size()), ps -> {
      int i = 1;
      ps.setLong(i++, afterOrdinal);
      ps.setLong(i++, upToOrdinal);
      for (String type : types) {
        ps.setString(i++, type);
      }
      ps.setInt(i, limit);
      return rows(ps, sql.rows::readStored);
    }, () -> "read operations after ordinal " + afterOrdinal);
  }

  /**
   * Up to {@code limit} operations with ordinals up to {@code upToOrdinal} of the documents after
   * {@code afterDocumentId} ({@code ""}: from the first), ordered by document id and, within a
   * document, by stream and index; the order of documents is the database's. The last document may
   * be cut off by the limit: {@link DocumentOrderReader} continues it stream by stream.
   */
  List<StoredOperation> documentsAfter(String afterDocumentId, long upToOrdinal, int limit) {
    Objects.requireNonNull(afterDocumentId, "afterDocumentId");
    requirePositive(limit);
    return query(sql.inDocumentOrder, ps -> {
      ps.setString(1, afterDocumentId);
      ps.setLong(2, upToOrdinal);
      ps.setInt(3, limit);
      return rows(ps, sql.rows::readStored);
    }, () -> "read operations in document order after " + afterDocumentId);
  }

  /** A stream of a document and the first index it has in an ordinal range. */
  record StreamStart(String scope, String branch, long fromIndex) {}

  /** The streams of {@code documentId} with operations in ({@code afterOrdinal}, {@code upToOrdinal}]. */
  List<StreamStart> streamsAfter(String documentId, long afterOrdinal, long upToOrdinal) {
    return query(sql.streamsAfter, ps -> {
      ps.setString(1, documentId);
      ps.setLong(2, afterOrdinal);
      ps.setLong(3, upToOrdinal);
      return rows(ps, rs -> new StreamStart(rs.getString(1), rs.getString(2), rs.getLong(3)));
    }, () -> "read the streams of document " + documentId + " after ordinal " + afterOrdinal);
  }

  /**
   * Up to {@code limit} (index, ordinal) pairs of a stream's operations from {@code fromIndex} on
   * with ordinals up to {@code upToOrdinal}, in index order (which is ordinal order within a stream),
   * read from the unique index without decoding the operations.
   */
  List<long[]> streamOrdinals(String documentId, StreamStart stream, long fromIndex, long upToOrdinal, int limit) {
    return query(sql.streamOrdinals, ps -> {
      bindStream(ps, documentId, stream.scope(), stream.branch());
      ps.setLong(4, fromIndex);
      ps.setLong(5, upToOrdinal);
      ps.setInt(6, limit);
      return rows(ps, rs -> new long[] {rs.getLong(1), rs.getLong(2)});
    }, () -> "read the ordinals of " + documentId + "/" + stream.scope() + "/" + stream.branch());
  }

  /** A stream's operations with indexes in [{@code fromIndex}, {@code toIndex}], in index order. */
  List<StoredOperation> streamRange(String documentId, StreamStart stream, long fromIndex, long toIndex) {
    return query(sql.selectRange, ps -> {
      bindStream(ps, documentId, stream.scope(), stream.branch());
      ps.setLong(4, fromIndex);
      ps.setLong(5, toIndex + 1);
      return rows(ps, sql.rows::readStored);
    }, () -> "read " + documentId + "/" + stream.scope() + "/" + stream.branch() + " from " + fromIndex);
  }

  /**
   * A stream's operations with indexes in [{@code fromIndex}, {@code toIndex}], in index order, read
   * on {@code c} (so within its transaction).
   */
  List<OperationWithContext> streamRange(Connection c, StreamKey stream, long fromIndex, long toIndex)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.selectRange)) {
      bindStream(ps, stream.documentId(), stream.scope(), stream.branch());
      ps.setLong(4, fromIndex);
      ps.setLong(5, toIndex + 1);
      return rows(ps, sql.rows::read);
    }
  }

  /** Maps one row of a result set. */
  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Runs one read on a pooled connection in auto-commit; a failure says what was being read. */
  private <T> T query(String statement, Statements.Use<T> use, Supplier<String> what) {
    try (Connection c = dataSource.getConnection()) {
      return Statements.run(c, statement, use);
    } catch (SQLException e) {
      throw failure(what.get(), e);
    }
  }

  private static <T> List<T> rows(PreparedStatement ps, RowReader<T> reader) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(reader.read(rs));
      }
    }
    return rows;
  }

  /** Binds a stream's three key columns as parameters 1 to 3. */
  private static void bindStream(PreparedStatement ps, String documentId, String scope, String branch)
      throws SQLException {
    ps.setString(1, documentId);
    ps.setString(2, scope);
    ps.setString(3, branch);
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
  }

  @Override
  public Map<String, Long> getRevisions(String documentId, String branch) {
    Map<String, Long> revisions = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      Statements.run(c, sql.revisions, ps -> {
        ps.setString(1, documentId);
        ps.setString(2, documentId);
        ps.setString(3, documentId);
        ps.setString(4, branch);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long max = rs.getLong(2);
            if (!rs.wasNull()) {
              revisions.put(rs.getString(1), max + 1);
            }
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw failure("read revisions of " + documentId, e);
    }
    return revisions;
  }

  @Override
  public String documentType(String documentId) {
    String known = knownTypes.get(documentId);
    if (known != null) {
      return known;
    }
    try (Connection c = dataSource.getConnection()) {
      String type = Statements.run(c, sql.documentType, ps -> {
        ps.setString(1, documentId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      });
      if (type != null) {
        knownTypes.remember(documentId, type);
      }
      return type;
    } catch (SQLException e) {
      throw failure("read the type of " + documentId, e);
    }
  }

  @Override
  public long lastOrdinal() {
    try (Connection c = dataSource.getConnection()) {
      return maxOrdinal(c);
    } catch (SQLException e) {
      throw failure("read the last ordinal", e);
    }
  }

  /**
   * Stops the writer after the batches already queued; later appends fail. Closes the database only
   * if this store opened it ({@link #open}).
   */
  @Override
  public void close() {
    writer.close();
    if (ownsDatabase) {
      database.close();
    }
  }

  /** Write batches queued for the writer and not yet taken into a group; a backlog gauge. */
  public int queuedBatches() {
    return writer.queued();
  }

  // ---- the writer thread ------------------------------------------------------------------------

  @SuppressWarnings("try") // the write gate is held for the block, not used in it
  private void writeGroup(List<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>> group) {
    List<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>> remaining = new ArrayList<>(group);
    boolean isolate = false;
    // The unique index on (stream, op_id, skip) refuses a stored duplicate at insert; only then does
    // the plan look the group's operation ids up, to find and reject the batch that repeats one.
    boolean lookUpStored = false;
    int raceRetries = 0;
    while (!remaining.isEmpty()) {
      GroupPlan plan;
      try (WriteGate.Permit permit = database.writeGate().enter();
          Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          if (sql.lockAppends != null) {
            try (PreparedStatement ps = c.prepareStatement(sql.lockAppends)) {
              ps.execute();
            }
          }
          plan = plan(c, remaining, lookUpStored);
          hook.beforeInsert();
          if (!isolate) {
            insert(c, plan.rows);
          } else {
            for (GroupCommitter.Request<EncodedBatch, List<OperationWithContext>> request : remaining) {
              List<Row> rows = plan.rowsOf(request);
              if (rows.isEmpty()) {
                continue;
              }
              try {
                insert(c, rows);
              } catch (SQLException e) {
                Sql.rollbackQuietly(c, e);
                knownHeads.forgetAll();
                lookUpStored = true;
                if (Sql.isUniqueViolation(e) && raceRetries++ < MAX_RACE_RETRIES) {
                  // Another writer got there first without our lock; re-validate against the new heads.
                  plan = null;
                  break;
                }
                request.result().completeExceptionally(failure("append job " + request.item().batch().jobId(), e));
                remaining.remove(request);
                plan = null;
                break;
              }
            }
            if (plan == null) {
              continue;
            }
          }
          hook.beforeCommit(plan.ordinals());
          c.commit();
        } catch (SQLException e) {
          Sql.rollbackQuietly(c, e);
          // A remembered head may be why (another writer appended), or a stored duplicate: re-plan
          // from the database, looking the operation ids up.
          knownHeads.forgetAll();
          lookUpStored = true;
          if (!isolate) {
            // Find the batch at fault: redo the group inserting batch by batch.
            isolate = true;
            continue;
          }
          throw e;
        } catch (Exception e) {
          Sql.rollbackQuietly(c, e);
          throw e;
        }
      } catch (SQLException e) {
        knownHeads.forgetAll();
        StorageException failure = failure("commit " + remaining.size() + " write batch(es)", e);
        remaining.forEach(r -> r.result().completeExceptionally(failure));
        return;
      } catch (RuntimeException e) {
        remaining.forEach(r -> r.result().completeExceptionally(e));
        return;
      } catch (Exception e) {
        StorageException failure = failure("commit " + remaining.size() + " write batch(es)", e);
        remaining.forEach(r -> r.result().completeExceptionally(failure));
        return;
      }
      for (Row row : plan.rows) {
        knownTypes.remember(row.operation().documentId(), row.operation().documentType());
        knownHeads.remember(row.operation().key(), row.operation().operation().index() + 1);
      }
      plan.complete();
      return;
    }
  }

  /** Validates every request of the group against the current heads, assigning ordinals to the accepted. */
  private GroupPlan plan(
      Connection c,
      List<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>> requests,
      boolean lookUpStored)
      throws SQLException {
    Set<StreamKey> streams = new LinkedHashSet<>();
    Set<String> documents = new LinkedHashSet<>();
    for (var request : requests) {
      for (StreamAppend append : request.item().batch().appends()) {
        streams.add(append.stream());
        documents.add(append.stream().documentId());
      }
    }
    long ordinal = maxOrdinal(c);
    Map<StreamKey, Long> heads = heads(c, streams, false);
    if (anyUnexpected(requests, heads)) {
      // A remembered head is trusted to accept an append, never to refuse one: refusals are
      // checked against the database.
      heads = heads(c, streams, true);
    }
    Map<String, String> types = documentTypes(c, documents);
    Set<Instance> stored = lookUpStored ? storedInstances(c, requests) : Set.of();
    Map<StreamKey, Map<Long, OperationWithContext>> pending = new HashMap<>();

    GroupPlan plan = new GroupPlan();
    for (var request : requests) {
      WriteBatch batch = request.item().batch();
      List<List<EncodedText>> texts = request.item().texts();
      Map<StreamKey, Long> batchHeads = new HashMap<>();
      Map<String, String> batchTypes = new HashMap<>();
      List<List<OperationWithContext>> replays = new ArrayList<>();
      RuntimeException rejection = null;
      for (StreamAppend append : batch.appends()) {
        StreamKey stream = append.stream();
        String known = types.containsKey(stream.documentId())
            ? types.get(stream.documentId())
            : batchTypes.putIfAbsent(stream.documentId(), append.documentType());
        if (known != null && !known.equals(append.documentType())) {
          rejection = new IllegalArgumentException(
              "Document " + stream.documentId() + " has type " + known + ", the append says " + append.documentType());
          break;
        }
        long head = batchHeads.getOrDefault(stream, heads.get(stream));
        if (head == append.expectedRevision()) {
          rejection = duplicate(append, stored, pending.get(stream));
          if (rejection != null) {
            break;
          }
          replays.add(null);
          batchHeads.put(stream, head + append.operations().size());
        } else {
          List<OperationWithContext> replayed = replay(c, append, pending.get(stream));
          if (replayed == null) {
            rejection = new RevisionMismatchException(stream, append.expectedRevision(), head);
            break;
          }
          replays.add(replayed);
        }
      }
      if (rejection != null) {
        plan.reject(request, rejection);
        continue;
      }
      List<OperationWithContext> result = new ArrayList<>();
      for (int a = 0; a < batch.appends().size(); a++) {
        StreamAppend append = batch.appends().get(a);
        if (replays.get(a) != null) {
          result.addAll(replays.get(a));
          continue;
        }
        for (int i = 0; i < append.operations().size(); i++) {
          Operation op = append.operations().get(i);
          OperationWithContext row =
              new OperationWithContext(
                  op,
                  append.stream().documentId(),
                  append.documentType(),
                  append.stream().scope(),
                  append.stream().branch(),
                  ++ordinal,
                  null);
          result.add(row);
          plan.rows.add(new Row(request, batch.jobId(), row, texts.get(a).get(i)));
          pending.computeIfAbsent(append.stream(), k -> new HashMap<>()).put(op.index(), row);
        }
      }
      heads.putAll(batchHeads);
      batchTypes.forEach(types::putIfAbsent);
      plan.accept(request, result);
    }
    return plan;
  }

  /**
   * A rejection when an operation of {@code append} is already in its stream (stored or written
   * earlier in this group) or twice in the append: same id and same skip.
   */
  private static RuntimeException duplicate(
      StreamAppend append, Set<Instance> stored, Map<Long, OperationWithContext> pending) {
    Set<Instance> seen = new HashSet<>();
    for (Operation op : append.operations()) {
      Instance instance = new Instance(append.stream(), op.id(), op.skip());
      boolean inGroup =
          pending != null
              && pending.values().stream()
                  .anyMatch(p -> p.operation().id().equals(op.id()) && p.operation().skip() == op.skip());
      if (!seen.add(instance) || stored.contains(instance) || inGroup) {
        return new DuplicateOperationException(append.stream(), op.id(), op.index());
      }
    }
    return null;
  }

  /** The stored operations {@code append} would write, if it is an exact replay of them; else null. */
  private List<OperationWithContext> replay(
      Connection c, StreamAppend append, Map<Long, OperationWithContext> pending) throws SQLException {
    long from = append.expectedRevision();
    int count = append.operations().size();
    Map<Long, OperationWithContext> found = new HashMap<>();
    for (OperationWithContext row : streamRange(c, append.stream(), from, from + count - 1)) {
      found.put(row.operation().index(), row);
    }
    if (pending != null) {
      found.putAll(pending);
    }
    List<OperationWithContext> result = new ArrayList<>(count);
    for (Operation op : append.operations()) {
      OperationWithContext row = found.get(op.index());
      if (row == null || !row.operation().id().equals(op.id()) || row.operation().skip() != op.skip()) {
        return null;
      }
      result.add(row);
    }
    return result;
  }

  private long maxOrdinal(Connection c) throws SQLException {
    return Statements.run(c, sql.maxOrdinal, ps -> {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static boolean anyUnexpected(
      List<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>> requests, Map<StreamKey, Long> heads) {
    for (var request : requests) {
      for (StreamAppend append : request.item().batch().appends()) {
        if (heads.get(append.stream()) != append.expectedRevision()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Per stream, the index its next operation takes (0 for a new stream): remembered ones from
   * {@link #knownHeads} unless {@code fromDatabase}, the others queried (and remembered).
   */
  private Map<StreamKey, Long> heads(Connection c, Set<StreamKey> streams, boolean fromDatabase) throws SQLException {
    Map<StreamKey, Long> heads = new HashMap<>();
    List<StreamKey> all = new ArrayList<>(streams.size());
    for (StreamKey stream : streams) {
      Long known = fromDatabase ? null : knownHeads.get(stream);
      if (known != null) {
        heads.put(stream, known);
      } else {
        all.add(stream);
      }
    }
    for (int from = 0; from < all.size(); from += MAX_TUPLES_PER_QUERY) {
      List<StreamKey> chunk = all.subList(from, Math.min(all.size(), from + MAX_TUPLES_PER_QUERY));
      Statements.run(c, sql.heads(chunk.size()), ps -> {
        StreamValues.run(ps, 1, chunk, (stream, max) -> {
          long next = max == null ? 0 : max + 1;
          heads.put(stream, next);
          if (fromDatabase) {
            knownHeads.forget(stream);
          }
          knownHeads.remember(stream, next);
        });
        return null;
      });
    }
    for (StreamKey stream : streams) {
      heads.putIfAbsent(stream, 0L);
    }
    return heads;
  }

  /** Which of the requests' operation instances (stream, id, skip) are already stored. */
  private Set<Instance> storedInstances(
      Connection c, List<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>> requests)
      throws SQLException {
    Set<Instance> instances = new LinkedHashSet<>();
    for (var request : requests) {
      for (StreamAppend append : request.item().batch().appends()) {
        for (Operation op : append.operations()) {
          instances.add(new Instance(append.stream(), op.id(), op.skip()));
        }
      }
    }
    Set<Instance> found = new HashSet<>();
    List<Instance> all = new ArrayList<>(instances);
    for (int from = 0; from < all.size(); from += MAX_TUPLES_PER_QUERY) {
      List<Instance> chunk = all.subList(from, Math.min(all.size(), from + MAX_TUPLES_PER_QUERY));
      Statements.run(c, sql.operationIds(chunk.size()), ps -> {
        int i = 1;
        for (Instance id : chunk) {
          ps.setString(i++, id.stream().documentId());
          ps.setString(i++, id.stream().scope());
          ps.setString(i++, id.stream().branch());
          ps.setString(i++, id.operationId());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            StreamKey stream = StreamKey.of(rs.getString(1), rs.getString(2), rs.getString(3));
            found.add(new Instance(stream, rs.getString(4), rs.getInt(5)));
          }
        }
        return null;
      });
    }
    return found;
  }

  /** The recorded type of each of these documents that the store already has. */
  private Map<String, String> documentTypes(Connection c, Set<String> documents) throws SQLException {
    Map<String, String> types = new HashMap<>();
    List<String> all = new ArrayList<>(documents.size());
    for (String document : documents) {
      String known = knownTypes.get(document);
      if (known != null) {
        types.put(document, known);
      } else {
        all.add(document);
      }
    }
    for (int from = 0; from < all.size(); from += MAX_TUPLES_PER_QUERY) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_TUPLES_PER_QUERY));
      Statements.run(c, sql.documentTypes(chunk.size()), ps -> {
        int i = 1;
        for (String id : chunk) {
          ps.setString(i++, id);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getString(2) != null) {
              types.put(rs.getString(1), rs.getString(2));
            }
          }
        }
        return null;
      });
    }
    return types;
  }

  private void insert(Connection c, List<Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Statements.run(c, sql.insert, ps -> {
      for (Row row : rows) {
        OperationWithContext o = row.operation();
        Operation op = o.operation();
        ps.setLong(1, o.ordinal());
        ps.setString(2, row.jobId());
        ps.setString(3, op.id());
        ps.setString(4, o.documentId());
        ps.setString(5, o.documentType());
        ps.setString(6, o.scope());
        ps.setString(7, o.branch());
        ps.setLong(8, op.index());
        ps.setInt(9, op.skip());
        ps.setString(10, row.text().timestamp());
        ps.setString(11, op.hash());
        ps.setString(12, op.action().type());
        ps.setString(13, row.text().actionJson());
        ps.setString(14, op.error());
        ps.addBatch();
      }
      return ps.executeBatch();
    });
  }

  private static long parseCursor(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid page cursor: " + cursor, e);
    }
  }

  private StorageException failure(String what, Exception e) {
    return new StorageException("Cannot " + what + " in " + database.description() + ": " + e.getMessage(), e);
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new StorageException("Append failed: " + cause.getMessage(), cause);
  }

  private record Instance(StreamKey stream, String operationId, int skip) {}

  private record Row(
      GroupCommitter.Request<EncodedBatch, List<OperationWithContext>> request,
      String jobId,
      OperationWithContext operation,
      EncodedText text) {}

  /** The columns of an operation that take work to encode. */
  private record EncodedText(String timestamp, String actionJson) {}

  /**
   * A batch with its operations' {@link EncodedText}, append by append, operation by operation.
   * Encoded on the caller's thread, before the batch joins a group: the writer thread holds the
   * write gate while it plans and inserts a group, so text it had to build there (it built it
   * twice, once to refuse an operation that cannot be stored and once to insert it) delayed every
   * writer of the process.
   */
  private record EncodedBatch(WriteBatch batch, List<List<EncodedText>> texts) {

    /** @throws IllegalArgumentException when an operation cannot be stored (e.g. its timestamp) */
    static EncodedBatch of(WriteBatch batch) {
      Objects.requireNonNull(batch, "batch");
      List<List<EncodedText>> texts = new ArrayList<>(batch.appends().size());
      for (StreamAppend append : batch.appends()) {
        List<EncodedText> encoded = new ArrayList<>(append.operations().size());
        for (Operation op : append.operations()) {
          encoded.add(new EncodedText(OperationRows.timestamp(op.timestamp()), OperationRows.actionJson(op.action())));
        }
        texts.add(encoded);
      }
      return new EncodedBatch(batch, texts);
    }
  }

  /** What one attempt at a group decided: rows to insert and each request's outcome. */
  private static final class GroupPlan {
    final List<Row> rows = new ArrayList<>();
    private final Map<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>, List<OperationWithContext>>
        accepted = new LinkedHashMap<>();
    private final Map<GroupCommitter.Request<EncodedBatch, List<OperationWithContext>>, RuntimeException> rejected =
        new LinkedHashMap<>();

    void accept(
        GroupCommitter.Request<EncodedBatch, List<OperationWithContext>> request, List<OperationWithContext> result) {
      accepted.put(request, List.copyOf(result));
    }

    void reject(GroupCommitter.Request<EncodedBatch, List<OperationWithContext>> request, RuntimeException e) {
      rejected.put(request, e);
    }

    List<Row> rowsOf(GroupCommitter.Request<EncodedBatch, List<OperationWithContext>> request) {
      return rows.stream().filter(r -> r.request() == request).toList();
    }

    List<Long> ordinals() {
      return rows.stream().map(r -> r.operation().ordinal()).toList();
    }

    void complete() {
      accepted.forEach((request, result) -> request.result().complete(result));
      rejected.forEach((request, e) -> request.result().completeExceptionally(e));
    }
  }
}
