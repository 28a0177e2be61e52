package dev.quire.view;

import static dev.quire.readmodel.fixture.CounterModel.count;
import static dev.quire.readmodel.fixture.OperationFixtures.fromStore;
import static dev.quire.readmodel.fixture.OperationFixtures.refused;
import static dev.quire.readmodel.fixture.OperationFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.concurrent.ManualScheduler;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.consistency.StreamKey;
import dev.quire.model.CreateDocumentInput;
import dev.quire.model.Document;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.UpgradeDocumentInput;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The contract every {@link DocumentView} meets. A backend subclasses this and implements
 * {@link #createView} to return a fresh, empty view on the given registry and tracker (the tracker
 * runs on a {@link ManualScheduler}, so timeouts happen when the test advances it).
 *
 * <p>Operations come from {@link OperationFixtures}; documents are {@link CounterModel} counters
 * unless a test says otherwise.
 */
@Timeout(30)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
public abstract class DocumentViewConformance {

  protected ManualScheduler scheduler;
  protected ConsistencyTracker tracker;
  protected DocumentView view;
  protected OperationFixtures ops;

  /** A fresh, empty view that reports to {@code tracker} and rebuilds states with {@code registry}. */
  protected abstract DocumentView createView(DocumentModelRegistry registry, ConsistencyTracker tracker);

  @BeforeEach
  void setUpView() {
    scheduler = new ManualScheduler();
    tracker = new ConsistencyTracker(DocumentView.NAME, scheduler);
    view = createView(CounterModel.registry(), tracker);
    ops = new OperationFixtures();
  }

  // ------------------------------------------------------------------------------- helpers

  protected void index(OperationWithContext... operations) {
    await(view.indexOperations(List.of(operations)).toCompletableFuture());
  }

  protected Document get(String id) {
    return await(view.get(id, ViewFilter.MAIN, ReadOptions.NONE));
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

  protected static long countOf(Document document, String scope) {
    return document.state(scope).path("count").asLong();
  }

  private List<String> ids(List<Document> documents) {
    return documents.stream().map(Document::id).toList();
  }

  // -------------------------------------------------------------------------------- creation

  @Nested
  class Creation {

    @Test
    void a_created_document_has_its_header_and_the_initial_state_of_every_model_scope() {
      OperationWithContext create = ops.create(
          new CreateDocumentInput(CounterModel.TYPE, "doc-1", "first", "First doc", null, null), Scopes.MAIN_BRANCH, 0);
      index(create);

      Document doc = get("doc-1");

      assertThat(doc.header().id()).isEqualTo("doc-1");
      assertThat(doc.header().documentType()).isEqualTo(CounterModel.TYPE);
      assertThat(doc.header().slug()).isEqualTo("first");
      assertThat(doc.header().name()).isEqualTo("First doc");
      assertThat(doc.header().branch()).isEqualTo(Scopes.MAIN_BRANCH);
      assertThat(doc.header().createdAt()).isEqualTo(create.operation().timestamp());
      assertThat(doc.header().lastModifiedAt()).isEqualTo(create.operation().timestamp());
      assertThat(doc.header().revision())
          .isEqualTo(Map.of(Scopes.DOCUMENT, 1L, Scopes.GLOBAL, 0L, Scopes.LOCAL, 0L));
      assertThat(doc.state(Scopes.GLOBAL)).isEqualTo(count(0));
      assertThat(doc.state(Scopes.LOCAL)).isEqualTo(count(0));
      assertThat(doc.state(Scopes.DOCUMENT)).isEqualTo(create.resultingState());
    }

    @Test
    void the_initial_state_given_at_creation_replaces_the_model_initial_state() {
      index(ops.create(new CreateDocumentInput(
          CounterModel.TYPE, "doc-1", null, null, Map.of(Scopes.GLOBAL, count(40)), null), Scopes.MAIN_BRANCH, 0));

      Document doc = get("doc-1");

      assertThat(doc.state(Scopes.GLOBAL)).isEqualTo(count(40));
      assertThat(doc.state(Scopes.LOCAL)).isEqualTo(count(0));
    }

    @Test
    void a_document_of_an_unregistered_type_gets_only_the_scopes_its_creation_names() {
      index(ops.create(new CreateDocumentInput(
          "test/unknown", "doc-1", null, null, Map.of("notes", count(1)), null), Scopes.MAIN_BRANCH, 0));

      Document doc = get("doc-1");

      assertThat(doc.header().documentType()).isEqualTo("test/unknown");
      assertThat(doc.state().keySet()).containsExactlyInAnyOrder(Scopes.DOCUMENT, "notes");
    }

    @Test
    void a_document_not_yet_created_is_not_found() {
      assertThatThrownBy(() -> get("nope")).isInstanceOf(DocumentNotFoundException.class);
    }

    @Test
    void an_operation_indexed_before_the_creation_is_kept_but_hidden_until_the_creation() {
      index(ops.increment("doc-1", 0, 3, 3));
      assertThatThrownBy(() -> get("doc-1")).isInstanceOf(DocumentNotFoundException.class);

      index(ops.create("doc-1", null));

      Document doc = get("doc-1");
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(3);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 1L);
    }
  }

  // -------------------------------------------------------------------------------- updates

  @Nested
  class Updates {

    @Test
    void an_operation_replaces_its_scope_snapshot_and_advances_its_revision() {
      index(ops.create("doc-1", null));
      OperationWithContext increment = ops.increment("doc-1", 0, 5, 5);
      index(increment);

      Document doc = get("doc-1");

      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(5);
      assertThat(countOf(doc, Scopes.LOCAL)).isZero();
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 1L).containsEntry(Scopes.LOCAL, 0L);
      assertThat(doc.header().lastModifiedAt()).isEqualTo(increment.operation().timestamp());
    }

    @Test
    void operations_of_one_batch_apply_in_order() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 1, 1), ops.increment("doc-1", 1, 2, 3),
          ops.increment("doc-1", 2, 4, 7));

      Document doc = get("doc-1");

      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(7);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 3L);
    }

    @Test
    void without_a_resulting_state_the_view_rebuilds_it_with_the_document_model() {
      index(fromStore(ops.create("doc-1", "slug-1")), ops.incrementFromStore("doc-1", 0, 2),
          ops.incrementFromStore("doc-1", 1, 3), ops.incrementFromStore("doc-1", 2, 4));
      index(ops.incrementFromStore("doc-1", 3, 10));

      Document doc = get("doc-1");

      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(19);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 4L).containsEntry(Scopes.DOCUMENT, 1L);
      assertThat(doc.header().slug()).isEqualTo("slug-1");
      assertThat(doc.state(Scopes.DOCUMENT).path("documentType").asText()).isEqualTo(CounterModel.TYPE);
    }

    @Test
    void an_operation_not_newer_than_the_snapshot_is_ignored() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 5, 5), ops.increment("doc-1", 1, 2, 7));

      index(ops.increment("doc-1", 1, 92, 99));
      index(ops.increment("doc-1", 0, 1, 1));

      Document doc = get("doc-1");
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(7);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 2L);
    }

    @Test
    void indexing_the_same_batch_twice_is_harmless() {
      List<OperationWithContext> batch = List.of(ops.create("doc-1", "one"), ops.increment("doc-1", 0, 5, 5),
          ops.delete("doc-1", 1), ops.create("doc-2", "one"));
      await(view.indexOperations(batch).toCompletableFuture());
      Document before = get("doc-2");

      await(view.indexOperations(batch).toCompletableFuture());

      assertThat(get("doc-2")).isEqualTo(before);
      assertThatThrownBy(() -> get("doc-1")).isInstanceOf(DocumentNotFoundException.class);
      assertThat(await(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
    }

    @Test
    void a_replayed_creation_does_not_reset_later_states() {
      OperationWithContext create = ops.create("doc-1", null);
      index(create, ops.increment("doc-1", 0, 5, 5));

      index(create);
      index(fromStore(create));

      assertThat(countOf(get("doc-1"), Scopes.GLOBAL)).isEqualTo(5);
    }

    @Test
    void a_gap_without_a_resulting_state_fails_the_whole_batch_and_changes_nothing() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 1, 1));
      OperationWithContext fine = ops.create("doc-2", null);
      OperationWithContext gap = ops.incrementFromStore("doc-1", 2, 5);

      Throwable failure = failureOf(view.indexOperations(List.of(fine, gap)).toCompletableFuture());

      assertThat(failure).isInstanceOf(MissingSnapshotException.class);
      assertThat(((MissingSnapshotException) failure).coordinate()).isEqualTo(gap.coordinate());
      assertThat(tracker.getLatest(gap.key())).isEqualTo(OptionalLong.of(0));
      assertThat(tracker.getLatest(fine.key())).isEmpty();
      assertThatThrownBy(() -> get("doc-2")).isInstanceOf(DocumentNotFoundException.class);
      assertThat(countOf(get("doc-1"), Scopes.GLOBAL)).isEqualTo(1);
    }

    @Test
    void a_refused_operation_advances_the_revision_and_keeps_the_state() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 5, 5));

      index(refused(ops.increment("doc-1", 1, 1, 6), "count too small"));

      Document doc = get("doc-1");
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(5);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 2L);
    }

    @Test
    void every_operation_of_a_batch_advances_the_tracker() {
      OperationWithContext create = ops.create("doc-1", null);
      OperationWithContext increment = ops.increment("doc-1", 0, 1, 1);
      OperationWithContext local = ops.action("doc-1", Scopes.LOCAL, 0, CounterModel.SET, count(9), count(9));

      index(create, increment, local);

      assertThat(tracker.getLatest(create.key())).isEqualTo(OptionalLong.of(0));
      assertThat(tracker.getLatest(increment.key())).isEqualTo(OptionalLong.of(0));
      assertThat(tracker.getLatest(StreamKey.of("doc-1", Scopes.LOCAL, Scopes.MAIN_BRANCH)))
          .isEqualTo(OptionalLong.of(0));
    }

    @Test
    void an_empty_batch_completes_and_changes_nothing() {
      index();

      assertThat(await(view.exists(List.of("doc-1"), ReadOptions.NONE))).containsExactly(false);
    }

    @Test
    void relationship_operations_only_advance_the_document_scope() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 5, 5));
      Document before = get("doc-1");

      index(ops.addRelationship("doc-1", "doc-2", "child", 1), ops.removeRelationship("doc-1", "doc-2", "child", 2));

      Document after = get("doc-1");
      assertThat(after.header().revision()).containsEntry(Scopes.DOCUMENT, 3L).containsEntry(Scopes.GLOBAL, 1L);
      assertThat(after.state()).isEqualTo(before.state());
    }

    @Test
    void an_upgrade_replaces_the_scopes_it_carries_and_keeps_the_others() {
      // The executor lets an upgrade replace only scopes without operations: the new base state.
      index(ops.create("doc-1", null), ops.action("doc-1", Scopes.LOCAL, 0, CounterModel.SET, count(8), count(8)));

      index(ops.upgrade("doc-1", 1, new UpgradeDocumentInput(4, Map.of(Scopes.GLOBAL, count(42)))));

      Document doc = get("doc-1");
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(42);
      assertThat(countOf(doc, Scopes.LOCAL)).isEqualTo(8);
      assertThat(doc.state(Scopes.DOCUMENT).path("version").asInt()).isEqualTo(4);
      assertThat(doc.header().revision()).containsEntry(Scopes.GLOBAL, 0L).containsEntry(Scopes.DOCUMENT, 2L);
    }

    @Test
    void a_scope_replaced_by_an_upgrade_is_the_base_its_first_operation_is_rebuilt_from() {
      index(fromStore(ops.create("doc-1", null)),
          fromStore(ops.upgrade("doc-1", 1, new UpgradeDocumentInput(4, Map.of(Scopes.GLOBAL, count(42))))),
          ops.incrementFromStore("doc-1", 0, 1));

      assertThat(countOf(get("doc-1"), Scopes.GLOBAL)).isEqualTo(43);
    }

    @Test
    void an_upgrade_without_state_keeps_every_model_scope() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 5, 5));

      index(fromStore(ops.upgrade("doc-1", 1, new UpgradeDocumentInput(4, null))));

      Document doc = get("doc-1");
      assertThat(countOf(doc, Scopes.GLOBAL)).isEqualTo(5);
      assertThat(doc.state(Scopes.DOCUMENT).path("version").asInt()).isEqualTo(4);
    }
  }

  // -------------------------------------------------------------------------------- deletion

  @Nested
  class Deletion {

    @Test
    void a_deleted_document_is_gone_from_every_query() {
      index(ops.create("doc-1", "one"), ops.create("doc-2", "two"));

      index(ops.delete("doc-1", 1));

      assertThatThrownBy(() -> get("doc-1")).isInstanceOf(DocumentNotFoundException.class);
      assertThat(failureOf(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      assertThat(failureOf(view.getByIdOrSlug("doc-1", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      assertThat(ids(await(view.getMany(List.of("doc-1", "doc-2"), ViewFilter.MAIN, ReadOptions.NONE))))
          .containsExactly("doc-2");
      assertThat(ids(await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
          PageRequest.firstDefault(), ReadOptions.NONE)).items())).containsExactly("doc-2");
      assertThat(await(view.exists(List.of("doc-1", "doc-2"), ReadOptions.NONE))).containsExactly(false, true);
    }

    @Test
    void a_deletion_rebuilt_from_the_store_deletes_too() {
      index(fromStore(ops.create("doc-1", "one")), fromStore(ops.delete("doc-1", 1)));

      assertThatThrownBy(() -> get("doc-1")).isInstanceOf(DocumentNotFoundException.class);
      assertThat(await(view.exists(List.of("doc-1"), ReadOptions.NONE))).containsExactly(false);
    }

    @Test
    void a_refused_deletion_deletes_nothing() {
      index(ops.create("doc-1", "one"));

      index(refused(ops.delete("doc-1", 1), "document is locked"));

      assertThat(get("doc-1").header().revision()).containsEntry(Scopes.DOCUMENT, 2L);
      assertThat(await(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-1");
      assertThat(await(view.exists(List.of("doc-1"), ReadOptions.NONE))).containsExactly(true);
    }

    @Test
    void a_deleted_documents_slug_is_never_restored_by_later_operations() {
      OperationWithContext create = ops.create("doc-1", "one");
      index(create, ops.delete("doc-1", 1));

      index(ops.increment("doc-1", 0, 1, 1), ops.addRelationship("doc-1", "doc-9", "child", 2));
      index(create);

      assertThat(failureOf(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      assertThatThrownBy(() -> get("doc-1")).isInstanceOf(DocumentNotFoundException.class);
    }

    @Test
    void a_live_document_that_claims_a_deleted_documents_slug_keeps_it() {
      index(ops.create("doc-1", "one"), ops.delete("doc-1", 1), ops.create("doc-2", "one"));

      index(ops.increment("doc-1", 0, 1, 1), ops.addRelationship("doc-1", "doc-9", "child", 2));

      assertThat(await(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
    }

    @Test
    void deleting_on_one_branch_leaves_the_other_branches() {
      index(ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-1", "one", null, null, null), "main", 0),
          ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-1", "one", null, null, null), "feature", 0));

      index(ops.delete("doc-1", "feature", 1));

      assertThat(get("doc-1").header().branch()).isEqualTo("main");
      assertThat(failureOf(view.get("doc-1", ViewFilter.branch("feature"), ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      assertThat(await(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-1");
      assertThat(await(view.exists(List.of("doc-1"), ReadOptions.NONE))).containsExactly(true);
    }
  }

  // -------------------------------------------------------------------------------- slugs

  @Nested
  class Slugs {

    @Test
    void a_slug_resolves_to_its_document_on_its_branch_only() {
      index(ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-1", "one", null, null, null), "feature", 0));

      assertThat(await(view.getBySlug("one", ViewFilter.branch("feature"), ReadOptions.NONE)).id())
          .isEqualTo("doc-1");
      assertThat(failureOf(view.getBySlug("one", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
    }

    @Test
    void the_newest_claimant_of_a_slug_wins_and_the_previous_holder_loses_it() {
      index(ops.create("doc-1", "shared"));

      index(ops.create("doc-2", "shared"));

      assertThat(await(view.getBySlug("shared", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
      assertThat(get("doc-1").header().slug()).isNull();
      assertThat(get("doc-2").header().slug()).isEqualTo("shared");
    }

    @Test
    void a_slug_lost_to_a_newer_claimant_does_not_come_back_when_the_claimant_is_deleted() {
      index(ops.create("doc-1", "shared"), ops.create("doc-2", "shared"));

      index(ops.delete("doc-2", 1));

      assertThat(failureOf(view.getBySlug("shared", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      assertThat(get("doc-1").header().slug()).isNull();
    }

    @Test
    void getByIdOrSlug_resolves_an_id_or_a_slug() {
      index(ops.create("doc-1", "one"), ops.create("doc-2", "doc-2"));

      assertThat(await(view.getByIdOrSlug("doc-1", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-1");
      assertThat(await(view.getByIdOrSlug("one", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-1");
      assertThat(await(view.getByIdOrSlug("doc-2", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
      assertThat(failureOf(view.getByIdOrSlug("none", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
    }

    @Test
    void reads_between_writes_always_see_the_latest_slug_holder() {
      // Each read comes before the write that changes its answer: a view that remembers what it
      // read (or wrote) must not answer from a stale memory.
      index(ops.create("alpha", null));
      assertThat(await(view.getByIdOrSlug("alpha", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("alpha");
      assertThat(failureOf(view.getByIdOrSlug("shared", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);

      index(ops.create("doc-1", "shared"));
      assertThat(await(view.getByIdOrSlug("shared", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-1");

      index(ops.create("doc-2", "shared"));
      assertThat(await(view.getByIdOrSlug("shared", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
      assertThat(await(view.getByIdOrSlug("doc-1", ViewFilter.MAIN, ReadOptions.NONE)).header().slug()).isNull();

      index(ops.create("doc-3", "alpha"));
      assertThat(failureOf(view.getByIdOrSlug("alpha", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(AmbiguousIdentifierException.class);

      index(ops.delete("doc-2", 1));
      assertThat(failureOf(view.getByIdOrSlug("shared", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(DocumentNotFoundException.class);
      index(ops.delete("alpha", 1));
      assertThat(await(view.getByIdOrSlug("alpha", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-3");
    }

    @Test
    void getByIdOrSlug_refuses_an_identifier_that_names_two_documents() {
      index(ops.create("alpha", null), ops.create("doc-2", "alpha"));

      assertThat(failureOf(view.getByIdOrSlug("alpha", ViewFilter.MAIN, ReadOptions.NONE)))
          .isInstanceOf(AmbiguousIdentifierException.class)
          .hasMessageContaining("alpha")
          .hasMessageContaining("doc-2");
      assertThat(get("alpha").id()).isEqualTo("alpha");
      assertThat(await(view.getBySlug("alpha", ViewFilter.MAIN, ReadOptions.NONE)).id()).isEqualTo("doc-2");
    }
  }

  // -------------------------------------------------------------------------------- queries

  @Nested
  class Queries {

    @Test
    void get_with_scopes_returns_those_scopes_and_the_document_scope_with_the_full_revision() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 1, 1));
      OperationWithContext local = ops.action("doc-1", Scopes.LOCAL, 0, CounterModel.SET, count(2), count(2));
      index(local);

      Document doc = await(view.get("doc-1", new ViewFilter(null, Set.of(Scopes.GLOBAL)), ReadOptions.NONE));

      assertThat(doc.state().keySet()).containsExactlyInAnyOrder(Scopes.GLOBAL, Scopes.DOCUMENT);
      assertThat(doc.header().revision())
          .isEqualTo(Map.of(Scopes.DOCUMENT, 1L, Scopes.GLOBAL, 1L, Scopes.LOCAL, 1L));
      assertThat(doc.header().lastModifiedAt()).isEqualTo(local.operation().timestamp());
    }

    @Test
    void a_returned_document_is_a_copy_the_caller_cannot_change_the_view_through() {
      index(ops.create("doc-1", null), ops.increment("doc-1", 0, 1, 1));

      ((ObjectNode) get("doc-1").state(Scopes.GLOBAL)).put("count", 1000);

      assertThat(countOf(get("doc-1"), Scopes.GLOBAL)).isEqualTo(1);
    }

    @Test
    void getMany_keeps_input_order_skips_unknown_ids_and_repeats_duplicates() {
      index(ops.create("doc-1", null), ops.create("doc-2", null), ops.create("doc-3", null));

      List<Document> docs = await(view.getMany(
          List.of("doc-3", "missing", "doc-1", "doc-3"), ViewFilter.MAIN, ReadOptions.NONE));

      assertThat(ids(docs)).containsExactly("doc-3", "doc-1", "doc-3");
      assertThat(await(view.getMany(List.of(), ViewFilter.MAIN, ReadOptions.NONE))).isEmpty();
    }

    @Test
    void getMany_reads_the_branch_asked() {
      index(ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-1", null, null, null, null), "feature", 0),
          ops.create("doc-2", null));

      assertThat(ids(await(view.getMany(List.of("doc-1", "doc-2"), ViewFilter.branch("feature"), ReadOptions.NONE))))
          .containsExactly("doc-1");
    }

    @Test
    void exists_answers_per_id_in_input_order_on_any_branch() {
      index(ops.create("doc-1", null),
          ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-2", null, null, null, null), "feature", 0));

      assertThat(await(view.exists(List.of("doc-2", "doc-1", "doc-3", "doc-1"), ReadOptions.NONE)))
          .containsExactly(true, true, false, true);
      assertThat(await(view.exists(List.of(), ReadOptions.NONE))).isEmpty();
    }

    @Test
    void find_by_type_pages_in_id_order_and_reaches_every_page() {
      List<String> created = List.of("doc-e", "doc-b", "doc-g", "doc-a", "doc-d", "doc-c", "doc-f");
      for (String id : created) {
        index(ops.create(id, null));
      }
      index(ops.create("other", "test/other", null, 0));

      List<List<String>> pages = new ArrayList<>();
      String cursor = null;
      do {
        Page<Document> page = await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
            new PageRequest(cursor, 3), ReadOptions.NONE));
        pages.add(ids(page.items()));
        cursor = page.nextCursor().orElse(null);
      } while (cursor != null && pages.size() < 10);

      assertThat(pages).containsExactly(
          List.of("doc-a", "doc-b", "doc-c"), List.of("doc-d", "doc-e", "doc-f"), List.of("doc-g"));
    }

    @Test
    void find_by_type_has_no_next_cursor_when_the_last_page_is_exactly_full() {
      index(ops.create("doc-1", null), ops.create("doc-2", null));

      Page<Document> page = await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
          PageRequest.first(2), ReadOptions.NONE));

      assertThat(ids(page.items())).containsExactly("doc-1", "doc-2");
      assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void find_by_type_keeps_its_place_when_a_returned_document_is_deleted() {
      for (String id : List.of("doc-1", "doc-2", "doc-3", "doc-4", "doc-5")) {
        index(ops.create(id, null));
      }
      Page<Document> first = await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
          PageRequest.first(2), ReadOptions.NONE));

      index(ops.delete("doc-1", 1));
      Page<Document> second = await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
          new PageRequest(first.nextCursor().orElseThrow(), 2), ReadOptions.NONE));

      assertThat(ids(first.items())).containsExactly("doc-1", "doc-2");
      assertThat(ids(second.items())).containsExactly("doc-3", "doc-4");
      assertThat(second.nextCursor()).isPresent();
    }

    @Test
    void find_by_type_returns_the_asked_branch_and_scopes_only() {
      index(ops.create("doc-1", null),
          ops.create(new CreateDocumentInput(CounterModel.TYPE, "doc-2", null, null, null, null), "feature", 0));

      Page<Document> page = await(view.find(DocumentQuery.byType(CounterModel.TYPE),
          new ViewFilter("feature", Set.of(Scopes.LOCAL)), PageRequest.firstDefault(), ReadOptions.NONE));

      assertThat(ids(page.items())).containsExactly("doc-2");
      assertThat(page.items().get(0).state().keySet()).containsExactlyInAnyOrder(Scopes.LOCAL, Scopes.DOCUMENT);
    }

    @Test
    void find_of_an_unknown_type_is_empty() {
      Page<Document> page = await(view.find(DocumentQuery.byType("test/none"), ViewFilter.MAIN,
          PageRequest.firstDefault(), ReadOptions.NONE));

      assertThat(page.items()).isEmpty();
      assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void find_by_ids_takes_precedence_keeps_input_order_and_filters_by_type_before_paging() {
      index(ops.create("doc-1", "s1"), ops.create("doc-2", null), ops.create("doc-3", null),
          ops.create("doc-4", null), ops.create("other", "test/other", null, 0));
      DocumentQuery query = new DocumentQuery(
          CounterModel.TYPE, List.of("doc-4", "other", "missing", "doc-2", "doc-4", "doc-3"), List.of("s1"));

      Page<Document> first = await(view.find(query, ViewFilter.MAIN, PageRequest.first(2), ReadOptions.NONE));
      Page<Document> second = await(view.find(query, ViewFilter.MAIN,
          new PageRequest(first.nextCursor().orElseThrow(), 2), ReadOptions.NONE));

      assertThat(ids(first.items())).containsExactly("doc-4", "doc-2");
      assertThat(ids(second.items())).containsExactly("doc-3");
      assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    void find_by_slugs_resolves_them_in_input_order() {
      index(ops.create("doc-1", "one"), ops.create("doc-2", "two"), ops.create("doc-3", "three"));

      Page<Document> page = await(view.find(new DocumentQuery(null, null, List.of("three", "nope", "one", "three")),
          ViewFilter.MAIN, PageRequest.firstDefault(), ReadOptions.NONE));

      assertThat(ids(page.items())).containsExactly("doc-3", "doc-1");
      assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void find_with_a_malformed_cursor_fails_with_an_illegal_argument() {
      index(ops.create("doc-1", null));

      assertThatThrownBy(() -> await(view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN,
          new PageRequest("%%%not-a-cursor", 10), ReadOptions.NONE)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // -------------------------------------------------------------------------------- tokens

  @Nested
  class Tokens {

    @Test
    void a_query_with_a_token_answers_only_after_that_operation_is_indexed() {
      index(ops.create("doc-1", null));
      OperationWithContext increment = ops.increment("doc-1", 0, 5, 5);

      CompletableFuture<Document> read = view.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token(increment)));
      assertThat(read).isNotDone();

      index(increment);

      assertThat(countOf(await(read), Scopes.GLOBAL)).isEqualTo(5);
    }

    @Test
    void every_query_waits_for_its_token() {
      OperationWithContext create = ops.create("doc-1", "one");
      ReadOptions after = ReadOptions.after(token(create));
      List<CompletableFuture<?>> reads = List.of(
          view.get("doc-1", ViewFilter.MAIN, after),
          view.getBySlug("one", ViewFilter.MAIN, after),
          view.getByIdOrSlug("one", ViewFilter.MAIN, after),
          view.getMany(List.of("doc-1"), ViewFilter.MAIN, after),
          view.find(DocumentQuery.byType(CounterModel.TYPE), ViewFilter.MAIN, PageRequest.firstDefault(), after),
          view.exists(List.of("doc-1"), after));
      assertThat(reads).allSatisfy(read -> assertThat(read).isNotDone());

      index(create);

      assertThat(await(view.getMany(List.of("doc-1"), ViewFilter.MAIN, ReadOptions.NONE))).hasSize(1);
      for (CompletableFuture<?> read : reads) {
        assertThat(read).succeedsWithin(Duration.ofSeconds(5));
      }
      assertThat(((Page<?>) reads.get(4).join()).items()).hasSize(1);
      assertThat(reads.get(5).join()).isEqualTo(List.of(true));
    }

    @Test
    void a_query_with_a_token_that_is_never_indexed_times_out() {
      index(ops.create("doc-1", null));
      OperationWithContext never = ops.increment("doc-1", 0, 5, 5);

      CompletableFuture<Document> read =
          view.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token(never), Duration.ofSeconds(2)));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(read).isNotDone();
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(failureOf(read)).isInstanceOf(ConsistencyTimeoutException.class);
    }

    @Test
    void a_query_with_a_token_already_indexed_answers_at_once() {
      OperationWithContext create = ops.create("doc-1", null);
      index(create);

      assertThat(view.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token(create)))).isCompleted();
    }

    @Test
    void a_query_with_a_token_fails_with_the_view_error_once_indexed() {
      OperationWithContext create = ops.create("doc-1", null);
      CompletableFuture<Document> read = view.get("doc-2", ViewFilter.MAIN, ReadOptions.after(token(create)));

      index(create);

      assertThat(failureOf(read)).isInstanceOf(DocumentNotFoundException.class);
    }
  }
}
