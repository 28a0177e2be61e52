package dev.quire.store;

import static dev.quire.store.Operations.BASE_TIME;
import static dev.quire.store.Operations.DOCUMENT_TYPE;
import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.op;
import static dev.quire.store.Operations.operation;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.NamedThreadFactory;
import dev.quire.consistency.StreamKey;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link OperationStore}. A backend proves itself with a subclass that returns a
 * fresh, empty store from {@link #createStore()}; the suite closes it after each test.
 *
 * <p>Nothing here depends on how a store keeps its data: operations are compared by their fields,
 * timestamps are whole seconds, JSON inputs hold small ints and strings only, and concurrency is
 * driven through barriers and bounded waits.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class OperationStoreConformance {

  private static final long WAIT_SECONDS = 10;

  protected OperationStore store;

  /** A new, empty store; called before each test. */
  protected abstract OperationStore createStore();

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---- appending ----

  @Test
  void an_empty_store_has_nothing() {
    assertThat(store.lastOrdinal()).isZero();
    assertThat(store.getSinceOrdinal(0, 10)).isEmpty();
    assertThat(store.getRevisions("doc", Scopes.MAIN_BRANCH)).isEmpty();
    assertThat(store.documentType("doc")).isNull();
    Page<Operation> page = store.getSince(stream("doc"), -1, OperationFilter.NONE, PageRequest.first(10));
    assertThat(page.items()).isEmpty();
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void the_first_append_returns_the_stored_operations_with_ordinals_from_one() {
    List<Operation> ops = operations(0, 3);

    List<OperationWithContext> stored = store.append(batch(append(stream("doc"), ops)));

    assertThat(stored).extracting(OperationWithContext::ordinal).containsExactly(1L, 2L, 3L);
    assertThat(stored).extracting(s -> s.operation().id()).containsExactlyElementsOf(ids(ops));
    assertThat(stored).allSatisfy(s -> {
      assertThat(s.documentId()).isEqualTo("doc");
      assertThat(s.documentType()).isEqualTo(DOCUMENT_TYPE);
      assertThat(s.scope()).isEqualTo(Scopes.GLOBAL);
      assertThat(s.branch()).isEqualTo(Scopes.MAIN_BRANCH);
      assertThat(s.resultingState()).isNull();
    });
    assertThat(store.lastOrdinal()).isEqualTo(3);
  }

  @Test
  void a_stored_operation_reads_back_with_every_field() {
    Operation written = op(0)
        .id("op-0")
        .actionId("action-0")
        .type("SET")
        .skip(0)
        .hash("abc")
        .error("refused by the reducer")
        .timestamp(Instant.parse("2026-03-04T05:06:07Z"))
        .input(Json.object().put("path", "/a").set("value", Json.object().put("n", 7).put("s", "x")))
        .context(Json.object().put("user", "ana"))
        .build();
    Operation second = op(1).skip(1).build();

    store.append(batch(append(stream("doc"), written, second)));

    List<Operation> read = store.getSince(stream("doc"), -1, OperationFilter.NONE, PageRequest.first(10)).items();
    assertThat(read).hasSize(2);
    assertSameOperation(read.get(0), written);
    assertSameOperation(read.get(1), second);
  }

  @Test
  void identifiers_with_control_and_non_ascii_characters_read_back_unchanged() {
    // Stores may pack text columns together for speed; a separator-like character must survive.
    StreamKey odd = StreamKey.of("doc\u001fone\u00e9\uD83D\uDE00", Scopes.GLOBAL, "branch\u001fx");
    Operation written = op(0).id("op\u001f0").hash("h\u001f").error("e\u001f\nrr").build();
    Operation plain = op(0).build();

    store.append(batch(append(odd, written), append(stream("plain"), plain)));

    List<Operation> byStream = store.getSince(odd, -1, OperationFilter.NONE, PageRequest.first(10)).items();
    assertThat(byStream).hasSize(1);
    assertSameOperation(byStream.get(0), written);
    List<OperationWithContext> byOrdinal = store.getSinceOrdinal(0, 10);
    assertThat(byOrdinal).extracting(OperationWithContext::key).containsExactly(odd, stream("plain"));
    assertThat(byOrdinal).extracting(OperationWithContext::documentType).containsOnly(DOCUMENT_TYPE);
    assertSameOperation(byOrdinal.get(0).operation(), written);
    assertSameOperation(byOrdinal.get(1).operation(), plain);
  }

  @Test
  void action_text_beyond_ascii_reads_back_unchanged() {
    // Stores may hand the action's JSON over as bytes; every UTF-8 length must survive.
    String text = "zw\u00f6lf \u00e9t\u00e9 \u20ac \uD83D\uDE00 \u0000";
    Operation written = op(0)
        .input(Json.object().put(text, text))
        .context(Json.object().put("user", text))
        .build();

    store.append(batch(append(stream("doc"), written)));

    assertSameOperation(
        store.getSince(stream("doc"), -1, OperationFilter.NONE, PageRequest.first(10)).items().get(0), written);
    assertSameOperation(store.getSinceOrdinal(0, 10).get(0).operation(), written);
  }

  @Test
  void ordinals_increase_across_streams_in_append_order() {
    store.append(batch(append(stream("a"), operation(0))));
    store.append(batch(append(stream("b"), operation(0))));
    store.append(batch(append(stream("a"), operation(1))));

    assertThat(store.getSinceOrdinal(0, 10))
        .extracting(s -> s.documentId() + "@" + s.operation().index() + "#" + s.ordinal())
        .containsExactly("a@0#1", "b@0#2", "a@1#3");
  }

  @Test
  void the_default_single_stream_append_stores_like_a_batch() {
    List<OperationWithContext> stored = store.append(
        "job-1", "doc", DOCUMENT_TYPE, Scopes.LOCAL, "feature", 0, operations(0, 2));

    assertThat(stored).extracting(OperationWithContext::key)
        .containsOnly(StreamKey.of("doc", Scopes.LOCAL, "feature"));
    assertThat(store.getRevisions("doc", "feature")).containsExactly(Map.entry(Scopes.LOCAL, 2L));
  }

  @Test
  void revisions_name_every_scope_of_the_branch_and_no_scope_of_another_branch() {
    store.append("job-1", "doc", DOCUMENT_TYPE, Scopes.DOCUMENT, Scopes.MAIN_BRANCH, 0, operations(0, 3));
    store.append("job-2", "doc", DOCUMENT_TYPE, Scopes.GLOBAL, Scopes.MAIN_BRANCH, 0, operations(0, 1));
    store.append("job-3", "doc", DOCUMENT_TYPE, Scopes.LOCAL, "feature", 0, operations(0, 2));
    store.append("job-4", "other", DOCUMENT_TYPE, Scopes.LOCAL, Scopes.MAIN_BRANCH, 0, operations(0, 5));

    assertThat(store.getRevisions("doc", Scopes.MAIN_BRANCH))
        .containsOnly(Map.entry(Scopes.DOCUMENT, 3L), Map.entry(Scopes.GLOBAL, 1L));
    assertThat(store.getRevisions("doc", "feature")).containsOnly(Map.entry(Scopes.LOCAL, 2L));
    assertThat(store.getRevisions("doc", "nowhere")).isEmpty();
    assertThat(store.documentType("doc")).isEqualTo(DOCUMENT_TYPE);
    assertThat(store.documentType("missing")).isNull();
  }

  // ---- optimistic concurrency ----

  @Test
  void a_new_stream_only_accepts_revision_zero() {
    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operations(5, 1)))))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream("doc"));
          assertThat(e.expected()).isEqualTo(5);
          assertThat(e.actual()).isZero();
        });
    assertThat(store.lastOrdinal()).isZero();
    assertThat(store.getRevisions("doc", Scopes.MAIN_BRANCH)).isEmpty();
  }

  @Test
  void an_append_at_a_stale_revision_fails_with_the_stream_head() {
    store.append(batch(append(stream("doc"), operations(0, 3))));

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operations(1, 1)))))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream("doc"));
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.actual()).isEqualTo(3);
        });
  }

  @Test
  void an_append_beyond_the_head_fails() {
    store.append(batch(append(stream("doc"), operations(0, 2))));

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operations(3, 1)))))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> assertThat(e.actual()).isEqualTo(2));
  }

  @Test
  void a_rejected_append_writes_nothing() {
    store.append(batch(append(stream("doc"), operations(0, 2))));

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operations(1, 3)))))
        .isInstanceOf(RevisionMismatchException.class);

    assertThat(store.lastOrdinal()).isEqualTo(2);
    assertThat(store.getRevisions("doc", Scopes.MAIN_BRANCH)).containsExactly(Map.entry(Scopes.GLOBAL, 2L));
    assertThat(allOf(stream("doc"))).hasSize(2);
  }

  @Test
  void an_append_at_the_head_continues_the_stream() {
    store.append(batch(append(stream("doc"), operations(0, 2))));

    List<OperationWithContext> stored = store.append(batch(append(stream("doc"), operations(2, 2))));

    assertThat(stored).extracting(s -> s.operation().index()).containsExactly(2L, 3L);
    assertThat(stored).extracting(OperationWithContext::ordinal).containsExactly(3L, 4L);
  }

  // ---- idempotent replay ----

  @Test
  void replaying_the_same_operations_returns_the_stored_ones_with_their_original_ordinals() {
    List<Operation> ops = operations(0, 3);
    List<OperationWithContext> first = store.append(batch(append(stream("doc"), ops)));
    store.append(batch(append(stream("other"), operations(0, 2))));

    List<OperationWithContext> replay = store.append(batch(append(stream("doc"), ops)));

    assertThat(replay).extracting(OperationWithContext::ordinal).containsExactly(1L, 2L, 3L);
    assertThat(replay).extracting(s -> s.operation().id())
        .containsExactlyElementsOf(first.stream().map(s -> s.operation().id()).toList());
    assertThat(store.lastOrdinal()).isEqualTo(5);
    assertThat(allOf(stream("doc"))).hasSize(3);
  }

  @Test
  void replaying_operations_in_the_middle_of_a_stream_returns_them() {
    List<Operation> ops = operations(0, 4);
    store.append(batch(append(stream("doc"), ops)));

    List<OperationWithContext> replay = store.append(batch(append(stream("doc"), ops.subList(1, 3))));

    assertThat(replay).extracting(s -> s.operation().index()).containsExactly(1L, 2L);
    assertThat(replay).extracting(OperationWithContext::ordinal).containsExactly(2L, 3L);
    assertThat(store.lastOrdinal()).isEqualTo(4);
  }

  @Test
  void a_replay_with_a_different_operation_id_is_a_revision_mismatch() {
    store.append(batch(append(stream("doc"), operations(0, 2))));

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operation(1)))))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.actual()).isEqualTo(2);
        });
  }

  @Test
  void a_replay_with_a_different_skip_is_a_revision_mismatch() {
    Operation stored = operation(0);
    store.append(batch(append(stream("doc"), stored)));

    Operation reskipped = op(0).id(stored.id()).skip(1).build();
    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), reskipped))))
        .isInstanceOf(RevisionMismatchException.class);
  }

  @Test
  void a_replay_that_runs_past_the_head_is_a_revision_mismatch() {
    List<Operation> ops = operations(0, 2);
    store.append(batch(append(stream("doc"), ops)));

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), ops.get(1), operation(2)))))
        .isInstanceOf(RevisionMismatchException.class);
    assertThat(store.lastOrdinal()).isEqualTo(2);
  }

  // ---- duplicates ----

  @Test
  void an_operation_id_stored_at_another_index_with_the_same_skip_is_a_duplicate() {
    Operation first = op(0).id("op-a").build();
    store.append(batch(append(stream("doc"), first)));

    Operation again = op(1).id("op-a").build();
    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), again))))
        .isInstanceOfSatisfying(DuplicateOperationException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream("doc"));
          assertThat(e.operationId()).isEqualTo("op-a");
        });
    assertThat(store.lastOrdinal()).isEqualTo(1);
  }

  @Test
  void the_same_operation_id_with_a_different_skip_is_not_a_duplicate() {
    store.append(batch(append(stream("doc"), op(0).id("op-a").build())));

    List<OperationWithContext> stored =
        store.append(batch(append(stream("doc"), op(1).id("op-a").skip(1).build())));

    assertThat(stored).extracting(s -> s.operation().id() + "/" + s.operation().skip()).containsExactly("op-a/1");
  }

  @Test
  void an_operation_id_repeated_within_one_append_is_a_duplicate() {
    Operation first = op(0).id("op-a").build();
    Operation second = op(1).id("op-a").build();

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), first, second))))
        .isInstanceOf(DuplicateOperationException.class);
    assertThat(store.lastOrdinal()).isZero();
  }

  @Test
  void operation_ids_are_only_unique_within_their_stream() {
    store.append(batch(append(stream("a"), op(0).id("op-a").build())));

    List<OperationWithContext> stored = store.append(batch(
        append(stream("b"), op(0).id("op-a").build()),
        append(StreamKey.of("a", Scopes.LOCAL, Scopes.MAIN_BRANCH), op(0).id("op-a").build())));

    assertThat(stored).hasSize(2);
  }

  // ---- multi-stream batches ----

  @Test
  void a_multi_stream_batch_is_stored_with_consecutive_ordinals_in_batch_order() {
    StreamKey local = StreamKey.of("a", Scopes.LOCAL, Scopes.MAIN_BRANCH);

    List<OperationWithContext> stored = store.append(batch(
        append(stream("a"), operations(0, 2)),
        append(local, operations(0, 1)),
        append(stream("b"), operations(0, 2))));

    assertThat(stored).extracting(s -> s.key() + "@" + s.operation().index() + "#" + s.ordinal())
        .containsExactly(
            stream("a") + "@0#1", stream("a") + "@1#2", local + "@0#3", stream("b") + "@0#4", stream("b") + "@1#5");
    assertThat(store.getRevisions("a", Scopes.MAIN_BRANCH))
        .containsOnly(Map.entry(Scopes.GLOBAL, 2L), Map.entry(Scopes.LOCAL, 1L));
  }

  @Test
  void a_multi_stream_batch_where_one_stream_conflicts_writes_nothing() {
    store.append(batch(append(stream("b"), operations(0, 1))));

    assertThatThrownBy(() -> store.append(batch(
            append(stream("a"), operations(0, 2)),
            append(stream("b"), operations(0, 1)),
            append(stream("c"), operations(0, 1)))))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> assertThat(e.stream()).isEqualTo(stream("b")));

    assertThat(store.lastOrdinal()).isEqualTo(1);
    assertThat(store.getRevisions("a", Scopes.MAIN_BRANCH)).isEmpty();
    assertThat(store.getRevisions("c", Scopes.MAIN_BRANCH)).isEmpty();
    assertThat(store.documentType("a")).isNull();
    assertThat(store.getSinceOrdinal(0, 10)).hasSize(1);
  }

  @Test
  void a_multi_stream_batch_where_one_stream_has_a_duplicate_writes_nothing() {
    store.append(batch(append(stream("b"), op(0).id("op-b").build())));

    assertThatThrownBy(() -> store.append(batch(
            append(stream("a"), operations(0, 2)),
            append(stream("b"), op(1).id("op-b").build()))))
        .isInstanceOf(DuplicateOperationException.class);

    assertThat(store.lastOrdinal()).isEqualTo(1);
    assertThat(store.getRevisions("a", Scopes.MAIN_BRANCH)).isEmpty();
  }

  @Test
  void a_batch_mixing_a_replayed_stream_and_a_new_stream_writes_only_the_new_one() {
    List<Operation> ops = operations(0, 2);
    store.append(batch(append(stream("a"), ops)));

    List<OperationWithContext> stored = store.append(batch(
        append(stream("a"), ops),
        append(stream("b"), operations(0, 1))));

    assertThat(stored).extracting(s -> s.documentId() + "#" + s.ordinal()).containsExactly("a#1", "a#2", "b#3");
    assertThat(store.lastOrdinal()).isEqualTo(3);
  }

  // ---- getSince ----

  @Test
  void getSince_returns_the_operations_after_an_index_in_index_order() {
    store.append(batch(append(stream("doc"), operations(0, 3))));
    store.append(batch(append(stream("doc"), operations(3, 2))));

    Page<Operation> page = store.getSince(stream("doc"), 1, OperationFilter.NONE, PageRequest.first(10));

    assertThat(page.items()).extracting(Operation::index).containsExactly(2L, 3L, 4L);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void getSince_from_minus_one_returns_the_whole_stream() {
    store.append(batch(append(stream("doc"), operations(0, 3))));

    assertThat(allOf(stream("doc"))).extracting(Operation::index).containsExactly(0L, 1L, 2L);
  }

  @Test
  void getSince_on_an_unknown_stream_is_an_empty_last_page() {
    store.append(batch(append(stream("doc"), operations(0, 1))));

    Page<Operation> page = store.getSince(stream("unknown"), -1, OperationFilter.NONE, PageRequest.first(10));

    assertThat(page.items()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void getSince_keeps_scopes_and_branches_apart() {
    StreamKey local = StreamKey.of("doc", Scopes.LOCAL, Scopes.MAIN_BRANCH);
    StreamKey feature = StreamKey.of("doc", Scopes.GLOBAL, "feature");
    store.append(batch(
        append(stream("doc"), operations(0, 3)),
        append(local, operations(0, 1)),
        append(feature, operations(0, 2))));

    assertThat(allOf(stream("doc"))).hasSize(3);
    assertThat(allOf(local)).hasSize(1);
    assertThat(allOf(feature)).hasSize(2);
  }

  @Test
  void getSince_filters_by_action_type() {
    store.append(batch(append(stream("doc"),
        op(0).type("A").build(), op(1).type("B").build(), op(2).type("C").build(), op(3).type("A").build())));

    OperationFilter filter = new OperationFilter(Set.of("A", "C"), null, null);
    Page<Operation> page = store.getSince(stream("doc"), -1, filter, PageRequest.first(10));

    assertThat(page.items()).extracting(Operation::index).containsExactly(0L, 2L, 3L);
  }

  @Test
  void getSince_filters_by_an_inclusive_timestamp_range() {
    store.append(batch(append(stream("doc"), operations(0, 6))));

    OperationFilter filter = new OperationFilter(null, BASE_TIME.plusSeconds(2), BASE_TIME.plusSeconds(4));
    Page<Operation> page = store.getSince(stream("doc"), -1, filter, PageRequest.first(10));

    assertThat(page.items()).extracting(Operation::index).containsExactly(2L, 3L, 4L);
  }

  @Test
  void getSince_pages_of_one_reach_every_operation_of_a_fresh_stream() {
    // The origin skipped its cursor when it was "0" and served the first page forever.
    store.append(batch(append(stream("doc"), operations(0, 3))));

    List<Long> seen = new ArrayList<>();
    List<String> cursors = new ArrayList<>();
    PageRequest request = PageRequest.first(1);
    for (int pages = 0; pages < 10; pages++) {
      Page<Operation> page = store.getSince(stream("doc"), -1, OperationFilter.NONE, request);
      page.items().forEach(o -> seen.add(o.index()));
      if (!page.hasMore()) {
        break;
      }
      cursors.add(page.nextCursor().orElseThrow());
      request = new PageRequest(page.nextCursor().orElseThrow(), 1);
    }

    assertThat(seen).containsExactly(0L, 1L, 2L);
    assertThat(cursors).containsExactly("0", "1");
  }

  @Test
  void getSince_a_page_that_ends_the_stream_has_no_cursor() {
    store.append(batch(append(stream("doc"), operations(0, 4))));

    Page<Operation> first = store.getSince(stream("doc"), -1, OperationFilter.NONE, PageRequest.first(2));
    Page<Operation> second = store.getSince(stream("doc"), -1, OperationFilter.NONE,
        new PageRequest(first.nextCursor().orElseThrow(), 2));

    assertThat(first.items()).extracting(Operation::index).containsExactly(0L, 1L);
    assertThat(second.items()).extracting(Operation::index).containsExactly(2L, 3L);
    assertThat(second.hasMore()).isFalse();
  }

  @Test
  void getSince_pages_through_a_filtered_stream() {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ops.add(op(i).type(i % 3 == 0 ? "WANTED" : "OTHER").build());
    }
    store.append(batch(append(stream("doc"), ops)));
    OperationFilter filter = new OperationFilter(Set.of("WANTED"), null, null);

    List<Long> seen = new ArrayList<>();
    PageRequest request = PageRequest.first(1);
    for (int pages = 0; pages < 20; pages++) {
      Page<Operation> page = store.getSince(stream("doc"), -1, filter, request);
      page.items().forEach(o -> seen.add(o.index()));
      if (!page.hasMore()) {
        break;
      }
      request = new PageRequest(page.nextCursor().orElseThrow(), 1);
    }

    assertThat(seen).containsExactly(0L, 3L, 6L, 9L);
  }

  @Test
  void getSince_rejects_an_unparseable_cursor() {
    store.append(batch(append(stream("doc"), operations(0, 2))));

    assertThatThrownBy(() ->
            store.getSince(stream("doc"), -1, OperationFilter.NONE, new PageRequest("not-a-cursor", 10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- getSinceOrdinal ----

  @Test
  void getSinceOrdinal_returns_the_operations_after_an_ordinal_with_their_stream() {
    store.append(batch(append(stream("a"), operations(0, 2))));
    store.append(batch(append(StreamKey.of("b", Scopes.LOCAL, "feature"), operations(0, 1))));

    List<OperationWithContext> since = store.getSinceOrdinal(1, 10);

    assertThat(since).extracting(OperationWithContext::ordinal).containsExactly(2L, 3L);
    OperationWithContext last = since.get(1);
    assertThat(last.key()).isEqualTo(StreamKey.of("b", Scopes.LOCAL, "feature"));
    assertThat(last.documentType()).isEqualTo(DOCUMENT_TYPE);
    assertThat(last.operation().index()).isZero();
    assertThat(last.resultingState()).isNull();
  }

  @Test
  void getSinceOrdinal_returns_every_operation_exactly_once_across_pages() {
    for (int round = 0; round < 5; round++) {
      store.append(batch(
          append(stream("a"), operations(round * 2L, 2)),
          append(stream("b-" + round), operations(0, 1))));
    }

    List<Long> seen = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 100; pages++) {
      List<OperationWithContext> page = store.getSinceOrdinal(after, 4);
      if (page.isEmpty()) {
        break;
      }
      assertThat(page).hasSizeLessThanOrEqualTo(4);
      page.forEach(s -> seen.add(s.ordinal()));
      after = page.get(page.size() - 1).ordinal();
    }

    assertThat(seen).containsExactlyElementsOf(range(1, 15));
  }

  @Test
  void getSinceOrdinal_after_the_last_ordinal_is_empty() {
    store.append(batch(append(stream("a"), operations(0, 2))));

    assertThat(store.getSinceOrdinal(2, 10)).isEmpty();
    assertThat(store.getSinceOrdinal(50, 10)).isEmpty();
  }

  @Test
  void getSinceOrdinal_rejects_a_limit_below_one() {
    assertThatThrownBy(() -> store.getSinceOrdinal(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- revisions, types, last ordinal ----

  @Test
  void getRevisions_reports_the_next_index_of_each_scope_on_one_branch() {
    store.append(batch(
        append(stream("doc"), operations(0, 3)),
        append(StreamKey.of("doc", Scopes.DOCUMENT, Scopes.MAIN_BRANCH), operations(0, 1)),
        append(StreamKey.of("doc", Scopes.LOCAL, "feature"), operations(0, 5))));

    assertThat(store.getRevisions("doc", Scopes.MAIN_BRANCH))
        .containsOnly(Map.entry(Scopes.GLOBAL, 3L), Map.entry(Scopes.DOCUMENT, 1L));
    assertThat(store.getRevisions("doc", "feature")).containsOnly(Map.entry(Scopes.LOCAL, 5L));
    assertThat(store.getRevisions("doc", "unknown")).isEmpty();
  }

  @Test
  void documentType_is_recorded_with_the_first_append() {
    store.append(new WriteBatch("job", List.of(
        new StreamAppend(stream("doc"), "quire/json", 0, operations(0, 1)))));

    assertThat(store.documentType("doc")).isEqualTo("quire/json");
    assertThat(store.documentType("other")).isNull();
  }

  // ---- concurrency ----

  @Test
  @Timeout(30)
  void two_appends_racing_for_the_same_revision_leave_exactly_one_winner() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2, NamedThreadFactory.daemon("store-race"));
    try {
      for (int round = 0; round < 20; round++) {
        StreamKey key = stream("race-" + round);
        store.append(batch(append(key, operations(0, 1))));
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<List<OperationWithContext>>> futures = new ArrayList<>();
        for (int writer = 0; writer < 2; writer++) {
          futures.add(executor.submit(() -> {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return store.append(batch(append(key, operations(1, 2))));
          }));
        }

        int winners = 0;
        List<Throwable> failures = new ArrayList<>();
        for (Future<List<OperationWithContext>> future : futures) {
          try {
            future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            winners++;
          } catch (ExecutionException e) {
            failures.add(e.getCause());
          }
        }

        assertThat(winners).as("winners in round %d", round).isEqualTo(1);
        assertThat(failures).singleElement().isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.stream()).isEqualTo(key);
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.actual()).isEqualTo(3);
        });
        assertThat(store.getRevisions(key.documentId(), Scopes.MAIN_BRANCH))
            .containsExactly(Map.entry(Scopes.GLOBAL, 3L));
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  @Timeout(30)
  void concurrent_appends_to_different_streams_all_succeed_with_unique_ordinals() throws Exception {
    int writers = 4;
    int appendsPerWriter = 50;
    ExecutorService executor = Executors.newFixedThreadPool(writers, NamedThreadFactory.daemon("store-writers"));
    try {
      CyclicBarrier barrier = new CyclicBarrier(writers);
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        StreamKey key = stream("writer-" + w);
        futures.add(executor.submit(writer(barrier, key, appendsPerWriter)));
      }
      Set<Long> ordinals = new HashSet<>();
      for (Future<List<Long>> future : futures) {
        List<Long> written = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(written).isSorted();
        ordinals.addAll(written);
      }

      int total = writers * appendsPerWriter * 2;
      assertThat(ordinals).hasSize(total).containsExactlyInAnyOrderElementsOf(range(1, total));
      assertThat(store.lastOrdinal()).isEqualTo(total);
      for (int w = 0; w < writers; w++) {
        assertThat(allOf(stream("writer-" + w))).hasSize(appendsPerWriter * 2);
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  @Timeout(30)
  void a_reader_tailing_by_ordinal_sees_every_operation_once_and_in_order_while_writers_append() throws Exception {
    int writers = 2;
    int appendsPerWriter = 100;
    int total = writers * appendsPerWriter * 2;
    ExecutorService executor = Executors.newFixedThreadPool(writers + 1, NamedThreadFactory.daemon("store-tail"));
    try {
      CyclicBarrier barrier = new CyclicBarrier(writers + 1);
      Future<List<Long>> reader = executor.submit(() -> {
        barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        List<Long> seen = new ArrayList<>();
        long after = 0;
        while (seen.size() < total) {
          List<OperationWithContext> page = store.getSinceOrdinal(after, 7);
          for (OperationWithContext s : page) {
            seen.add(s.ordinal());
            after = s.ordinal();
          }
          if (page.isEmpty()) {
            Thread.onSpinWait();
          }
        }
        return seen;
      });
      List<Future<List<Long>>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        writes.add(executor.submit(writer(barrier, stream("tail-" + w), appendsPerWriter)));
      }
      for (Future<List<Long>> write : writes) {
        write.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }

      assertThat(reader.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactlyElementsOf(range(1, total));
    } finally {
      executor.shutdownNow();
    }
  }

  // ---- helpers ----

  /** Appends {@code appends} two-operation batches to {@code key} after the barrier; returns the ordinals. */
  private Callable<List<Long>> writer(CyclicBarrier barrier, StreamKey key, int appends) {
    return () -> {
      barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
      List<Long> ordinals = new ArrayList<>();
      for (int i = 0; i < appends; i++) {
        for (OperationWithContext stored : store.append(batch(append(key, operations(i * 2L, 2))))) {
          ordinals.add(stored.ordinal());
        }
      }
      return ordinals;
    };
  }

  /** Every operation of {@code stream}, following cursors. */
  protected List<Operation> allOf(StreamKey stream) {
    List<Operation> all = new ArrayList<>();
    PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
    while (true) {
      Page<Operation> page = store.getSince(stream, -1, OperationFilter.NONE, request);
      all.addAll(page.items());
      if (!page.hasMore()) {
        return all;
      }
      request = new PageRequest(page.nextCursor().orElseThrow(), PageRequest.MAX_LIMIT);
    }
  }

  private static List<String> ids(List<Operation> operations) {
    return operations.stream().map(Operation::id).toList();
  }

  private static void assertSameOperation(Operation actual, Operation expected) {
    assertThat(actual.id()).isEqualTo(expected.id());
    assertThat(actual.index()).isEqualTo(expected.index());
    assertThat(actual.skip()).isEqualTo(expected.skip());
    assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
    assertThat(actual.hash()).isEqualTo(expected.hash());
    assertThat(actual.error()).isEqualTo(expected.error());
    assertThat(actual.action().id()).isEqualTo(expected.action().id());
    assertThat(actual.action().type()).isEqualTo(expected.action().type());
    assertThat(actual.action().scope()).isEqualTo(expected.action().scope());
    assertThat(actual.action().timestamp()).isEqualTo(expected.action().timestamp());
    assertThat(actual.action().input()).isEqualTo(expected.action().input());
    assertThat(actual.action().context()).isEqualTo(expected.action().context());
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
