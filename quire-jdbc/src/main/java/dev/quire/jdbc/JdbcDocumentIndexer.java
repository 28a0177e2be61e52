package dev.quire.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.index.Ancestors;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.model.InvalidActionException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.RelationshipInput;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadOptions;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relationship graph in {@code quire_relationships}, with the semantics of the in-memory
 * indexer (checked by the same conformance suite): relationship operations of the main branch's
 * {@code document} scope change the graph, every operation advances the tracker, an operation not
 * above the last index applied on its stream is a replay and is skipped (the guard lives in
 * {@code quire_stream_progress}, written in the same transaction as the edges), refused operations
 * change nothing. Edge times are operation timestamps, so a rebuild gives the same graph.
 *
 * <p>Indexing, checkpoint, start-up catch-up and token waits are those of {@link ReadModelEngine}:
 * call {@link #start()} (or let the first batch start it) before relying on restart semantics.
 *
 * <p>Concurrency: thread-safe; writes go through one writer thread, queries use pooled connections.
 */
public final class JdbcDocumentIndexer implements DocumentIndexer, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdbcDocumentIndexer.class);
  /** The only operations that change the graph (others just advance the tracker). */
  private static final Set<String> RELATIONSHIP_ACTIONS = Set.of(
      SystemActions.ADD_RELATIONSHIP, SystemActions.REMOVE_RELATIONSHIP, SystemActions.UPDATE_RELATIONSHIP);
  private static final String COLUMNS = "source_id, target_id, relationship_type, metadata, created_at, updated_at";
  /** Streams per progress lookup; a lookup of fewer is padded to a power of two, so few statement texts. */
  private static final int PROGRESS_LOOKUP_CHUNK = 512;

  private final ReadModelEngine engine;

  public JdbcDocumentIndexer(QuireDatabase database, OperationStore store, ConsistencyTracker tracker) {
    this(database, store, tracker, ReadGate.DEFAULT_TIMEOUT);
  }

  public JdbcDocumentIndexer(
      QuireDatabase database, OperationStore store, ConsistencyTracker tracker, Duration defaultTimeout) {
    ReadModelEngine.Applier applier = new ReadModelEngine.Applier() {
      @Override
      public Runnable apply(Connection c, List<OperationWithContext> operations, Tables tables) throws SQLException {
        return JdbcDocumentIndexer.this.apply(c, operations, tables);
      }

      @Override
      public Set<String> actionTypes() {
        return RELATIONSHIP_ACTIONS;
      }
    };
    this.engine = new ReadModelEngine(NAME, database, store, tracker, defaultTimeout, applier,
        List.of("quire_relationships"));
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

  /**
   * Every operation up to this ordinal is indexed; stored, or about to be (progress of operations
   * that change no relationship waits up to 50 ms for a transaction on a sole-writer database).
   */
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
    String edges = tables.of("quire_relationships");
    List<OperationWithContext> relationshipOps = new ArrayList<>();
    Set<StreamKey> streams = new LinkedHashSet<>();
    for (OperationWithContext op : operations) {
      if (RELATIONSHIP_ACTIONS.contains(op.operation().action().type()) && Scopes.DOCUMENT.equals(op.scope())
          && Scopes.MAIN_BRANCH.equals(op.branch())) {
        relationshipOps.add(op);
        streams.add(op.key());
      }
    }
    if (relationshipOps.isEmpty()) {
      return ReadModelEngine.Applier.NOTHING;
    }
    Map<StreamKey, Long> applied = storedProgress(c, tables, streams);
    EdgeWrites writes = new EdgeWrites(c);
    for (OperationWithContext op : relationshipOps) {
      Operation operation = op.operation();
      String type = operation.action().type();
      Long last = applied.get(op.key());
      if (last != null && last >= operation.index()) {
        log.debug("document-indexer: {} already at index {}, ignoring index {}", op.key(), last, operation.index());
        continue;
      }
      applied.put(op.key(), operation.index());
      if (operation.error() != null) {
        continue;
      }
      RelationshipInput input;
      try {
        input = RelationshipInput.fromJson(type, operation.action().input(), op.documentId());
      } catch (InvalidActionException e) {
        log.warn("document-indexer: skipping {} at {}: {}", type, op.coordinate(), e.getMessage());
        continue;
      }
      String at = OperationRows.timestamp(operation.timestamp());
      switch (type) {
        case SystemActions.ADD_RELATIONSHIP -> writes.add(
            "INSERT INTO " + edges + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (source_id, target_id, relationship_type) DO NOTHING",
            input.sourceId(), input.targetId(), input.relationshipType(), json(input.metadata()), at, at);
        case SystemActions.REMOVE_RELATIONSHIP -> writes.add(
            "DELETE FROM " + edges + " WHERE source_id = ? AND target_id = ? AND relationship_type = ?",
            input.sourceId(), input.targetId(), input.relationshipType());
        default -> writes.add(
            "UPDATE " + edges + " SET metadata = ?, updated_at = ?"
                + " WHERE source_id = ? AND target_id = ? AND relationship_type = ?",
            json(input.metadata()), at, input.sourceId(), input.targetId(), input.relationshipType());
      }
    }
    writes.flush();
    return ReadModelEngine.Applier.NOTHING;
  }

  /**
   * The stored progress of {@code streams} (absent: none), in one query per {@link
   * #PROGRESS_LOOKUP_CHUNK} streams rather than a round trip each. Each stream's row is looked up by
   * its key from the list ({@link StreamValues}), so the plan needs no statistics. A shorter list is
   * padded with its last stream up to a power of two: a handful of statement texts, which SQLite
   * keeps compiled ({@link Statements}).
   */
  private static Map<StreamKey, Long> storedProgress(Connection c, Tables tables, Set<StreamKey> streams)
      throws SQLException {
    Map<StreamKey, Long> found = new HashMap<>();
    List<StreamKey> all = new ArrayList<>(streams);
    for (int from = 0; from < all.size(); from += PROGRESS_LOOKUP_CHUNK) {
      List<StreamKey> chunk = new ArrayList<>(all.subList(from, Math.min(all.size(), from + PROGRESS_LOOKUP_CHUNK)));
      int padded = Integer.bitCount(chunk.size()) == 1 ? chunk.size() : Integer.highestOneBit(chunk.size()) << 1;
      while (chunk.size() < padded) {
        chunk.add(chunk.get(chunk.size() - 1));
      }
      String sql = StreamValues.select("(SELECT p.last_index FROM " + tables.progress(NAME)
          + " p WHERE p.read_model = ? AND p.document_id = v.column1 AND p.scope = v.column2 AND p.branch = v.column3)",
          chunk.size());
      Statements.run(c, sql, ps -> {
        ps.setString(1, NAME);
        StreamValues.run(ps, 2, chunk, (stream, last) -> {
          if (last != null) {
            found.put(stream, last);
          }
        });
        return null;
      });
    }
    return found;
  }

  private static String json(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Relationship metadata cannot be written as JSON", e);
    }
  }

  // ---- queries -----------------------------------------------------------------------------------

  @Override
  public CompletableFuture<Page<Relationship>> relationships(
      String documentId, Direction direction, Set<String> types, PageRequest page, ReadOptions read) {
    if (documentId == null || direction == null || page == null) {
      return CompletableFuture.failedFuture(new NullPointerException("documentId, direction and page are required"));
    }
    Position after;
    try {
      after = page.cursor() == null ? null : Position.decode(page.cursor());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<String> wanted = normalize(types);
    return engine.afterToken(read, c -> {
      String end = direction == Direction.OUTGOING ? "source_id" : "target_id";
      StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM quire_relationships WHERE " + end + " = ?");
      appendTypes(sql, wanted);
      if (after != null) {
        sql.append(" AND (created_at, source_id, target_id, relationship_type) > (?, ?, ?, ?)");
      }
      sql.append(" ORDER BY created_at, source_id, target_id, relationship_type LIMIT ?");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        ps.setString(i++, documentId);
        for (String type : wanted) {
          ps.setString(i++, type);
        }
        if (after != null) {
          ps.setString(i++, OperationRows.timestamp(after.createdAt()));
          ps.setString(i++, after.sourceId());
          ps.setString(i++, after.targetId());
          ps.setString(i++, after.type());
        }
        ps.setInt(i, page.limit() + 1);
        List<Relationship> found = read(ps);
        boolean more = found.size() > page.limit();
        List<Relationship> items = more ? found.subList(0, page.limit()) : found;
        Optional<String> next = more ? Optional.of(Position.of(items.get(items.size() - 1)).encode()) : Optional.empty();
        return new Page<>(items, next);
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> hasRelationship(
      String sourceId, String targetId, Set<String> types, ReadOptions read) {
    List<String> wanted = normalize(types);
    return engine.afterToken(read, c -> {
      StringBuilder sql = new StringBuilder("SELECT 1 FROM quire_relationships WHERE source_id = ? AND target_id = ?");
      appendTypes(sql, wanted);
      try (PreparedStatement ps = c.prepareStatement(sql.append(" LIMIT 1").toString())) {
        ps.setString(1, sourceId);
        ps.setString(2, targetId);
        for (int i = 0; i < wanted.size(); i++) {
          ps.setString(3 + i, wanted.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public CompletableFuture<Optional<List<String>>> findPath(
      String sourceId, String targetId, Set<String> types, ReadOptions read) {
    List<String> wanted = normalize(types);
    return engine.afterToken(read, c -> {
      if (sourceId.equals(targetId)) {
        return Optional.of(List.of(sourceId));
      }
      Map<String, String> parent = new HashMap<>();
      parent.put(sourceId, null);
      Deque<String> queue = new ArrayDeque<>(List.of(sourceId));
      while (!queue.isEmpty()) {
        String node = queue.removeFirst();
        for (Relationship edge : edges(c, "source_id", node, wanted)) {
          String next = edge.targetId();
          if (parent.containsKey(next)) {
            continue;
          }
          parent.put(next, node);
          if (next.equals(targetId)) {
            List<String> path = new ArrayList<>();
            for (String step = next; step != null; step = parent.get(step)) {
              path.add(step);
            }
            Collections.reverse(path);
            return Optional.of(List.copyOf(path));
          }
          queue.addLast(next);
        }
      }
      return Optional.empty();
    });
  }

  @Override
  public CompletableFuture<Ancestors> ancestors(String documentId, Set<String> types, ReadOptions read) {
    List<String> wanted = normalize(types);
    return engine.afterToken(read, c -> {
      Set<String> nodes = new LinkedHashSet<>(List.of(documentId));
      List<Ancestors.Edge> edges = new ArrayList<>();
      Deque<String> queue = new ArrayDeque<>(List.of(documentId));
      while (!queue.isEmpty()) {
        String node = queue.removeFirst();
        for (Relationship edge : edges(c, "target_id", node, wanted)) {
          edges.add(new Ancestors.Edge(edge.sourceId(), edge.targetId(), edge.type()));
          if (nodes.add(edge.sourceId())) {
            queue.addLast(edge.sourceId());
          }
        }
      }
      return new Ancestors(List.copyOf(nodes), edges);
    });
  }

  @Override
  public CompletableFuture<Set<String>> relationshipTypes(ReadOptions read) {
    return engine.afterToken(read, c -> {
      TreeSet<String> types = new TreeSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT relationship_type FROM quire_relationships");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.add(rs.getString(1));
        }
      }
      return Collections.unmodifiableSortedSet(types);
    });
  }

  private static List<Relationship> edges(Connection c, String end, String documentId, List<String> wanted)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM quire_relationships WHERE " + end + " = ?");
    appendTypes(sql, wanted);
    sql.append(" ORDER BY created_at, source_id, target_id, relationship_type");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setString(1, documentId);
      for (int i = 0; i < wanted.size(); i++) {
        ps.setString(2 + i, wanted.get(i));
      }
      return read(ps);
    }
  }

  private static void appendTypes(StringBuilder sql, List<String> wanted) {
    if (!wanted.isEmpty()) {
      sql.append(" AND relationship_type IN (").append(String.join(", ", Collections.nCopies(wanted.size(), "?")))
          .append(')');
    }
  }

  private static List<Relationship> read(PreparedStatement ps) throws SQLException {
    List<Relationship> found = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String metadata = rs.getString(4);
        JsonNode node;
        try {
          node = metadata == null ? null : Json.mapper().readTree(metadata);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("Stored relationship metadata is not JSON: " + metadata, e);
        }
        found.add(new Relationship(rs.getString(1), rs.getString(2), rs.getString(3), node,
            Instant.parse(rs.getString(5)), Instant.parse(rs.getString(6))));
      }
    }
    return found;
  }

  private static List<String> normalize(Set<String> types) {
    return types == null ? List.of() : List.copyOf(new TreeSet<>(types));
  }

  /** Where an edge sorts in relationship pages; the cursor is the last edge's position, not an offset. */
  private record Position(Instant createdAt, String sourceId, String targetId, String type) {

    static Position of(Relationship edge) {
      return new Position(edge.createdAt(), edge.sourceId(), edge.targetId(), edge.type());
    }

    String encode() {
      ArrayNode array = Json.mapper().createArrayNode();
      array.add(createdAt.getEpochSecond()).add(createdAt.getNano()).add(sourceId).add(targetId).add(type);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String cursor) {
      JsonNode array;
      try {
        array = Json.mapper().readTree(Base64.getUrlDecoder().decode(cursor));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("Malformed relationship cursor: " + cursor, e);
      }
      if (array == null || !array.isArray() || array.size() != 5
          || !array.get(0).isIntegralNumber() || !array.get(1).isIntegralNumber()
          || !array.get(2).isTextual() || !array.get(3).isTextual() || !array.get(4).isTextual()) {
        throw new IllegalArgumentException("Malformed relationship cursor: " + cursor);
      }
      try {
        Instant at = Instant.ofEpochSecond(array.get(0).longValue(), array.get(1).longValue());
        return new Position(at, array.get(2).textValue(), array.get(3).textValue(), array.get(4).textValue());
      } catch (java.time.DateTimeException | ArithmeticException e) {
        throw new IllegalArgumentException("Malformed relationship cursor: " + cursor, e);
      }
    }
  }
}
