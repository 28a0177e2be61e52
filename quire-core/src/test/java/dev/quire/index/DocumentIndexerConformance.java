package dev.quire.index;

import static dev.quire.readmodel.fixture.OperationFixtures.fromStore;
import static dev.quire.readmodel.fixture.OperationFixtures.refused;
import static dev.quire.readmodel.fixture.OperationFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link DocumentIndexer} meets. A backend subclasses this and implements
 * {@link #createIndexer} to return a fresh, empty indexer on the given tracker (which runs on a
 * {@link ManualScheduler}, so timeouts happen when the test advances it).
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class DocumentIndexerConformance {

  protected static final String CHILD = SystemActions.CHILD_RELATIONSHIP;

  protected ManualScheduler scheduler;
  protected ConsistencyTracker tracker;
  protected DocumentIndexer indexer;
  protected OperationFixtures ops;

  /** A fresh, empty indexer that reports to {@code tracker}. */
  protected abstract DocumentIndexer createIndexer(ConsistencyTracker tracker);

  @BeforeEach
  void setUpIndexer() {
    scheduler = new ManualScheduler();
    tracker = new ConsistencyTracker(DocumentIndexer.NAME, scheduler);
    indexer = createIndexer(tracker);
    ops = new OperationFixtures();
  }

  // ------------------------------------------------------------------------------- helpers

  protected void index(OperationWithContext... operations) {
    await(indexer.indexOperations(List.of(operations)).toCompletableFuture());
  }

  protected List<Relationship> outgoing(String documentId) {
    return await(indexer.relationships(documentId, Direction.OUTGOING, null, PageRequest.firstDefault(),
        ReadOptions.NONE)).items();
  }

  protected List<Relationship> incoming(String documentId) {
    return await(indexer.relationships(documentId, Direction.INCOMING, null, PageRequest.firstDefault(),
        ReadOptions.NONE)).items();
  }

  protected static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  protected static Throwable failureOf(CompletableFuture<?> future) {
    assertThat(future).failsWithin(Duration.ofSeconds(5));
    try {
      future.get();
      throw new AssertionError("expected failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  protected static ObjectNode metadata(String key, String value) {
    ObjectNode node = Json.object();
    node.put(key, value);
    return node;
  }

  private static List<String> targets(List<Relationship> edges) {
    return edges.stream().map(Relationship::targetId).toList();
  }

  private boolean has(String source, String target, Set<String> types) {
    return await(indexer.hasRelationship(source, target, types, ReadOptions.NONE));
  }

  // -------------------------------------------------------------------------------- indexing

  @Nested
  class Indexing {

    @Test
    void an_added_relationship_is_seen_from_both_ends_with_its_metadata_and_time() {
      OperationWithContext add = ops.addRelationship("parent", "child-1", CHILD, metadata("role", "first"), 0);

      index(add);

      Relationship expected = new Relationship("parent", "child-1", CHILD, metadata("role", "first"),
          add.operation().timestamp(), add.operation().timestamp());
      assertThat(outgoing("parent")).containsExactly(expected);
      assertThat(incoming("child-1")).containsExactly(expected);
      assertThat(outgoing("child-1")).isEmpty();
      assertThat(incoming("parent")).isEmpty();
    }

    @Test
    void adding_the_same_relationship_again_keeps_the_first_time_and_metadata() {
      OperationWithContext first = ops.addRelationship("parent", "child-1", CHILD, metadata("v", "1"), 0);
      index(first);

      index(ops.addRelationship("parent", "child-1", CHILD, metadata("v", "2"), 1));

      assertThat(outgoing("parent")).singleElement().satisfies(edge -> {
        assertThat(edge.metadata()).isEqualTo(metadata("v", "1"));
        assertThat(edge.createdAt()).isEqualTo(first.operation().timestamp());
        assertThat(edge.updatedAt()).isEqualTo(first.operation().timestamp());
      });
    }

    @Test
    void the_same_pair_may_be_related_by_several_types() {
      index(ops.addRelationship("a", "b", CHILD, 0), ops.addRelationship("a", "b", "link", 1));

      assertThat(outgoing("a")).extracting(Relationship::type).containsExactly(CHILD, "link");
    }

    @Test
    void removing_a_relationship_deletes_it_and_removing_a_missing_one_is_harmless() {
      index(ops.addRelationship("parent", "child-1", CHILD, 0), ops.addRelationship("parent", "child-2", CHILD, 1));

      index(ops.removeRelationship("parent", "child-1", CHILD, 2), ops.removeRelationship("parent", "child-9", CHILD, 3),
          ops.removeRelationship("parent", "child-2", "link", 4));

      assertThat(targets(outgoing("parent"))).containsExactly("child-2");
      assertThat(incoming("child-1")).isEmpty();
    }

    @Test
    void updating_a_relationship_replaces_its_metadata_and_keeps_its_creation_time() {
      OperationWithContext add = ops.addRelationship("parent", "child-1", CHILD, metadata("v", "1"), 0);
      OperationWithContext update = ops.updateRelationship("parent", "child-1", CHILD, metadata("v", "2"), 1);
      index(add, update);

      Relationship edge = outgoing("parent").get(0);
      assertThat(edge.metadata()).isEqualTo(metadata("v", "2"));
      assertThat(edge.createdAt()).isEqualTo(add.operation().timestamp());
      assertThat(edge.updatedAt()).isEqualTo(update.operation().timestamp());
      assertThat(incoming("child-1")).containsExactly(edge);

      index(ops.updateRelationship("parent", "child-1", CHILD, null, 2));
      assertThat(outgoing("parent").get(0).metadata()).isNull();
    }

    @Test
    void updating_a_missing_relationship_does_nothing() {
      index(ops.updateRelationship("parent", "child-1", CHILD, metadata("v", "2"), 0));

      assertThat(outgoing("parent")).isEmpty();
      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).isEmpty();
    }

    @Test
    void a_replayed_add_does_not_bring_back_a_removed_relationship() {
      OperationWithContext add = ops.addRelationship("parent", "child-1", CHILD, 0);
      index(add, ops.removeRelationship("parent", "child-1", CHILD, 1));

      index(add);
      index(fromStore(add));

      assertThat(outgoing("parent")).isEmpty();
    }

    @Test
    void a_replayed_batch_over_hundreds_of_documents_brings_back_none_of_their_removed_relationships() {
      // More streams in one batch than a JDBC indexer looks up in one query (512).
      int sources = 600;
      List<OperationWithContext> adds = new ArrayList<>();
      List<OperationWithContext> removes = new ArrayList<>();
      for (int i = 0; i < sources; i++) {
        adds.add(ops.addRelationship("source-" + i, "child", CHILD, 0));
        removes.add(ops.removeRelationship("source-" + i, "child", CHILD, 1));
      }
      List<String> sampled = List.of("source-0", "source-511", "source-512", "source-599");
      index(adds.toArray(OperationWithContext[]::new));
      assertThat(sampled).allSatisfy(source -> assertThat(targets(outgoing(source))).containsExactly("child"));
      index(removes.toArray(OperationWithContext[]::new));

      index(adds.toArray(OperationWithContext[]::new));

      assertThat(sampled).allSatisfy(source -> assertThat(outgoing(source)).isEmpty());
    }

    @Test
    void operations_read_back_from_the_store_index_like_live_ones() {
      index(fromStore(ops.addRelationship("parent", "child-1", CHILD, 0)));

      assertThat(targets(outgoing("parent"))).containsExactly("child-1");
    }

    @Test
    void other_operations_only_advance_the_tracker() {
      OperationWithContext create = ops.create("doc-1", null);
      OperationWithContext increment = ops.increment("doc-1", 0, 1, 1);

      index(create, increment);

      assertThat(tracker.getLatest(create.key())).isEqualTo(OptionalLong.of(0));
      assertThat(tracker.getLatest(increment.key())).isEqualTo(OptionalLong.of(0));
      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).isEmpty();
    }

    @Test
    void every_relationship_operation_advances_the_tracker() {
      OperationWithContext add = ops.addRelationship("parent", "child-1", CHILD, 0);
      OperationWithContext remove = ops.removeRelationship("parent", "child-1", CHILD, 1);

      index(add, remove);

      assertThat(tracker.getLatest(remove.key())).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void a_refused_relationship_operation_changes_nothing() {
      index(refused(ops.addRelationship("parent", "child-1", CHILD, 0), "parent is locked"));

      assertThat(outgoing("parent")).isEmpty();
      assertThat(tracker.getLatest(StreamKey.of("parent", Scopes.DOCUMENT, Scopes.MAIN_BRANCH)))
          .isEqualTo(OptionalLong.of(0));
    }

    @Test
    void a_relationship_whose_source_is_not_the_document_it_is_written_on_is_skipped() {
      JsonNode input = Json.object().put("sourceId", "someone-else").put("targetId", "child-1")
          .put("relationshipType", CHILD);
      OperationWithContext foreign =
          ops.system("parent", Scopes.MAIN_BRANCH, 0, SystemActions.ADD_RELATIONSHIP, input);

      index(foreign, ops.addRelationship("parent", "child-2", CHILD, 1));

      assertThat(outgoing("someone-else")).isEmpty();
      assertThat(targets(outgoing("parent"))).containsExactly("child-2");
      assertThat(tracker.getLatest(foreign.key())).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void the_source_defaults_to_the_document_the_relationship_is_written_on() {
      JsonNode input = Json.object().put("targetId", "child-1").put("relationshipType", CHILD);

      index(ops.system("parent", Scopes.MAIN_BRANCH, 0, SystemActions.ADD_RELATIONSHIP, input));

      assertThat(targets(outgoing("parent"))).containsExactly("child-1");
    }

    @Test
    void relationship_operations_on_other_branches_are_not_indexed() {
      JsonNode input = Json.object().put("targetId", "child-1").put("relationshipType", CHILD);
      OperationWithContext onFeature = ops.system("parent", "feature", 0, SystemActions.ADD_RELATIONSHIP, input);

      index(onFeature);

      assertThat(outgoing("parent")).isEmpty();
      assertThat(tracker.getLatest(onFeature.key())).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void an_empty_batch_completes() {
      index();

      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).isEmpty();
    }
  }

  // -------------------------------------------------------------------------------- paging

  @Nested
  class Paging {

    @Test
    void relationships_come_oldest_first_and_every_page_is_reachable() {
      for (int i = 0; i < 5; i++) {
        index(ops.addRelationship("parent", "child-" + (5 - i), CHILD, i));
      }

      List<List<String>> pages = new ArrayList<>();
      String cursor = null;
      do {
        Page<Relationship> page = await(indexer.relationships("parent", Direction.OUTGOING, null,
            new PageRequest(cursor, 2), ReadOptions.NONE));
        pages.add(targets(page.items()));
        cursor = page.nextCursor().orElse(null);
      } while (cursor != null && pages.size() < 10);

      assertThat(pages).containsExactly(
          List.of("child-5", "child-4"), List.of("child-3", "child-2"), List.of("child-1"));
    }

    @Test
    void a_page_that_ends_exactly_at_the_last_edge_has_no_next_cursor() {
      index(ops.addRelationship("parent", "child-1", CHILD, 0), ops.addRelationship("parent", "child-2", CHILD, 1));

      Page<Relationship> page = await(indexer.relationships("parent", Direction.OUTGOING, null,
          PageRequest.first(2), ReadOptions.NONE));

      assertThat(page.items()).hasSize(2);
      assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void removing_a_returned_edge_does_not_skip_later_edges() {
      for (int i = 0; i < 4; i++) {
        index(ops.addRelationship("parent", "child-" + i, CHILD, i));
      }
      Page<Relationship> first = await(indexer.relationships("parent", Direction.OUTGOING, null,
          PageRequest.first(2), ReadOptions.NONE));

      index(ops.removeRelationship("parent", "child-0", CHILD, 4));
      Page<Relationship> second = await(indexer.relationships("parent", Direction.OUTGOING, null,
          new PageRequest(first.nextCursor().orElseThrow(), 2), ReadOptions.NONE));

      assertThat(targets(first.items())).containsExactly("child-0", "child-1");
      assertThat(targets(second.items())).containsExactly("child-2", "child-3");
      assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    void edges_created_at_the_same_instant_order_by_source_target_and_type_across_pages() {
      ops.stepping(Duration.ZERO);
      index(ops.addRelationship("b", "target", "x", 0), ops.addRelationship("a", "target", "y", 0),
          ops.addRelationship("a", "target", "x", 1), ops.addRelationship("c", "target", CHILD, 0));

      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        Page<Relationship> page = await(indexer.relationships("target", Direction.INCOMING, null,
            new PageRequest(cursor, 1), ReadOptions.NONE));
        page.items().forEach(edge -> seen.add(edge.sourceId() + ":" + edge.type()));
        cursor = page.nextCursor().orElse(null);
      } while (cursor != null && seen.size() < 10);

      assertThat(seen).containsExactly("a:x", "a:y", "b:x", "c:" + CHILD);
    }

    @Test
    void a_type_filter_selects_edges_of_those_types() {
      index(ops.addRelationship("parent", "child-1", CHILD, 0), ops.addRelationship("parent", "child-2", "link", 1),
          ops.addRelationship("parent", "child-3", "ref", 2));

      Page<Relationship> page = await(indexer.relationships("parent", Direction.OUTGOING, Set.of(CHILD, "ref"),
          PageRequest.firstDefault(), ReadOptions.NONE));

      assertThat(targets(page.items())).containsExactly("child-1", "child-3");
      assertThat(await(indexer.relationships("parent", Direction.OUTGOING, Set.of(),
          PageRequest.firstDefault(), ReadOptions.NONE)).items()).hasSize(3);
    }

    @Test
    void an_unknown_document_has_no_relationships() {
      assertThat(outgoing("nobody")).isEmpty();
      assertThat(incoming("nobody")).isEmpty();
    }

    @Test
    void a_malformed_cursor_fails_with_an_illegal_argument() {
      assertThatThrownBy(() -> await(indexer.relationships("parent", Direction.OUTGOING, null,
          new PageRequest("%%%not-a-cursor", 2), ReadOptions.NONE)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // -------------------------------------------------------------------------------- graph

  @Nested
  class Graph {

    @Test
    void hasRelationship_answers_per_direction_and_type() {
      index(ops.addRelationship("a", "b", CHILD, 0));

      assertThat(has("a", "b", null)).isTrue();
      assertThat(has("a", "b", Set.of(CHILD))).isTrue();
      assertThat(has("a", "b", Set.of("link"))).isFalse();
      assertThat(has("b", "a", null)).isFalse();
      assertThat(has("a", "c", null)).isFalse();
    }

    @Test
    void findPath_follows_outgoing_edges_along_a_shortest_path() {
      index(ops.addRelationship("a", "b", CHILD, 0), ops.addRelationship("b", "c", CHILD, 0),
          ops.addRelationship("c", "d", CHILD, 0), ops.addRelationship("a", "x", CHILD, 1),
          ops.addRelationship("x", "d", CHILD, 0));

      assertThat(await(indexer.findPath("a", "d", null, ReadOptions.NONE))).contains(List.of("a", "x", "d"));
      assertThat(await(indexer.findPath("b", "d", null, ReadOptions.NONE))).contains(List.of("b", "c", "d"));
      assertThat(await(indexer.findPath("d", "a", null, ReadOptions.NONE))).isEmpty();
    }

    @Test
    void findPath_from_a_document_to_itself_is_that_document() {
      assertThat(await(indexer.findPath("a", "a", null, ReadOptions.NONE))).contains(List.of("a"));
    }

    @Test
    void findPath_survives_cycles_and_honours_the_type_filter() {
      index(ops.addRelationship("a", "b", CHILD, 0), ops.addRelationship("b", "a", CHILD, 0),
          ops.addRelationship("b", "c", "link", 1));

      assertThat(await(indexer.findPath("a", "c", Set.of(CHILD), ReadOptions.NONE))).isEqualTo(Optional.empty());
      assertThat(await(indexer.findPath("a", "c", null, ReadOptions.NONE))).contains(List.of("a", "b", "c"));
    }

    @Test
    void ancestors_walks_incoming_edges_to_every_ancestor() {
      index(ops.addRelationship("grandparent", "parent", CHILD, 0), ops.addRelationship("parent", "child", CHILD, 0));

      Ancestors ancestors = await(indexer.ancestors("child", null, ReadOptions.NONE));

      assertThat(ancestors.nodes()).containsExactly("child", "parent", "grandparent");
      assertThat(ancestors.edges()).containsExactlyInAnyOrder(
          new Ancestors.Edge("parent", "child", CHILD), new Ancestors.Edge("grandparent", "parent", CHILD));
    }

    @Test
    void ancestors_of_a_root_is_the_root_alone() {
      index(ops.addRelationship("grandparent", "parent", CHILD, 0));

      Ancestors ancestors = await(indexer.ancestors("grandparent", null, ReadOptions.NONE));

      assertThat(ancestors.nodes()).containsExactly("grandparent");
      assertThat(ancestors.edges()).isEmpty();
    }

    @Test
    void ancestors_visit_a_shared_ancestor_once_and_survive_cycles() {
      index(ops.addRelationship("root", "left", CHILD, 0), ops.addRelationship("root", "right", CHILD, 1),
          ops.addRelationship("left", "leaf", CHILD, 0), ops.addRelationship("right", "leaf", CHILD, 0),
          ops.addRelationship("leaf", "root", "link", 0));

      Ancestors all = await(indexer.ancestors("leaf", null, ReadOptions.NONE));
      Ancestors children = await(indexer.ancestors("leaf", Set.of(CHILD), ReadOptions.NONE));

      assertThat(all.nodes()).containsExactlyInAnyOrder("leaf", "left", "right", "root");
      assertThat(all.edges()).hasSize(5);
      assertThat(children.nodes()).containsExactlyInAnyOrder("leaf", "left", "right", "root");
      assertThat(children.edges()).hasSize(4);
    }

    @Test
    void relationshipTypes_lists_the_types_of_existing_edges() {
      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).isEmpty();
      index(ops.addRelationship("a", "b", CHILD, 0), ops.addRelationship("a", "c", "link", 1),
          ops.addRelationship("b", "c", "link", 0));

      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).containsExactlyInAnyOrder(CHILD, "link");

      index(ops.removeRelationship("a", "b", CHILD, 2));
      assertThat(await(indexer.relationshipTypes(ReadOptions.NONE))).containsExactly("link");
    }
  }

  // -------------------------------------------------------------------------------- tokens

  @Nested
  class Tokens {

    @Test
    void a_query_with_a_token_answers_only_after_that_operation_is_indexed() {
      OperationWithContext add = ops.addRelationship("a", "b", CHILD, 0);
      ReadOptions after = ReadOptions.after(token(add));
      List<CompletableFuture<?>> reads = List.of(
          indexer.relationships("a", Direction.OUTGOING, null, PageRequest.firstDefault(), after),
          indexer.hasRelationship("a", "b", null, after),
          indexer.findPath("a", "b", null, after),
          indexer.ancestors("b", null, after),
          indexer.relationshipTypes(after));
      assertThat(reads).allSatisfy(read -> assertThat(read).isNotDone());

      index(add);

      assertThat(reads).allSatisfy(read -> assertThat(read).succeedsWithin(Duration.ofSeconds(5)));
      assertThat(((Page<?>) reads.get(0).join()).items()).hasSize(1);
      assertThat(reads.get(1).join()).isEqualTo(true);
      assertThat(reads.get(2).join()).isEqualTo(Optional.of(List.of("a", "b")));
    }

    @Test
    void a_token_for_an_operation_that_only_advances_the_tracker_is_satisfied_too() {
      OperationWithContext increment = ops.increment("doc-1", 0, 1, 1);
      CompletableFuture<Set<String>> read = indexer.relationshipTypes(ReadOptions.after(token(increment)));

      index(increment);

      assertThat(read).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void a_query_with_a_token_that_is_never_indexed_times_out() {
      OperationWithContext never = ops.addRelationship("a", "b", CHILD, 0);

      CompletableFuture<Boolean> read =
          indexer.hasRelationship("a", "b", null, ReadOptions.after(token(never), Duration.ofMillis(500)));
      assertThat(read).isNotDone();
      scheduler.advance(Duration.ofMillis(500));

      assertThat(failureOf(read)).isInstanceOf(ConsistencyTimeoutException.class);
    }
  }
}
