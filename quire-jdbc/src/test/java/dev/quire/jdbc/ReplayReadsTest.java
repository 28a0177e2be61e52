package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a rebuild reads from {@link JdbcOperationStore}: in document order, or only some action types. */
class ReplayReadsTest {

  @TempDir Path dir;
  private final OperationFixtures ops = new OperationFixtures();
  private JdbcOperationStore store;

  @BeforeEach
  void open() {
    store = JdbcOperationStore.open(Databases.sqliteUrl(dir), DatabaseConfig.DEFAULTS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void append(OperationWithContext op) {
    store.append(new WriteBatch("job", List.of(
        new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation())))));
  }

  @Test
  void pages_walk_documents_in_id_order_and_each_document_in_ordinal_order_up_to_the_bound() {
    append(ops.create("doc-b", null));       // ordinal 1
    append(ops.create("doc-a", null));       // 2
    append(ops.increment("doc-b", 0, 1, 1)); // 3
    append(ops.increment("doc-a", 0, 1, 1)); // 4
    append(ops.increment("doc-b", 1, 1, 2)); // 5
    append(ops.increment("doc-a", 1, 1, 2)); // 6, past the bound below

    assertThat(readInDocumentOrder(5, 2)).containsExactly("doc-a@2", "doc-a@4", "doc-b@1", "doc-b@3", "doc-b@5");
  }

  @Test
  void each_document_comes_in_ordinal_order_across_its_scopes_and_branches_whatever_the_page_size() {
    // Index order within a document is (scope, branch, index); ordinal order interleaves them.
    append(ops.create("doc-a", null));                                                  // 1: document scope
    append(ops.action("doc-a", Scopes.LOCAL, 0, "NOTE", Json.object(), null));          // 2
    append(ops.increment("doc-a", 0, 1, 1));                                            // 3: global
    append(ops.create("doc-b", null));                                                  // 4
    append(ops.action("doc-a", Scopes.LOCAL, "draft", 0, "NOTE", Json.object(), null)); // 5
    append(ops.increment("doc-b", 0, 1, 1));                                            // 6
    append(ops.action("doc-a", Scopes.LOCAL, 1, "NOTE", Json.object(), null));          // 7
    append(ops.increment("doc-a", 1, 1, 2));                                            // 8
    append(ops.create("doc-c", null));                                                  // 9
    List<String> expected = List.of("doc-a@1", "doc-a@2", "doc-a@3", "doc-a@5", "doc-a@7", "doc-a@8",
        "doc-b@4", "doc-b@6", "doc-c@9");

    for (int pageSize = 1; pageSize <= 10; pageSize++) {
      assertThat(readInDocumentOrder(9, pageSize)).as("page size %d", pageSize).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void a_document_longer_than_many_pages_comes_whole_and_in_ordinal_order() {
    // 60 operations over three streams, interleaved unevenly; then a short document after it.
    append(ops.create("doc-long", null));
    List<String> expected = new ArrayList<>(List.of("doc-long@1"));
    long global = 0;
    long local = 0;
    long draft = 0;
    for (int i = 0; i < 59; i++) {
      OperationWithContext op = switch (i % 5) {
        case 0, 1, 2 -> ops.increment("doc-long", global++, 1, global);
        case 3 -> ops.action("doc-long", Scopes.LOCAL, local++, "NOTE", Json.object(), null);
        default -> ops.action("doc-long", Scopes.LOCAL, "draft", draft++, "NOTE", Json.object(), null);
      };
      append(op);
      expected.add("doc-long@" + (i + 2));
    }
    append(ops.create("doc-short", null));
    expected.add("doc-short@61");
    append(ops.increment("doc-long", global, 1, global + 1)); // 62: past the bound

    for (int pageSize : new int[] {1, 2, 7, 13, 59, 60, 61, 100}) {
      assertThat(readInDocumentOrder(61, pageSize)).as("page size %d", pageSize).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void a_document_of_many_short_streams_comes_in_ordinal_order() {
    // 40 branches of one to three operations each, written round robin; then another document.
    List<String> expected = new ArrayList<>();
    long ordinal = 0;
    for (int round = 0; round < 3; round++) {
      for (int branch = 0; branch < 40; branch++) {
        if (round < 1 + branch % 3) {
          append(ops.action("doc-many", Scopes.GLOBAL, "b" + branch, round, "NOTE", Json.object(), null));
          expected.add("doc-many@" + ++ordinal);
        }
      }
    }
    append(ops.create("doc-next", null));
    expected.add("doc-next@" + ++ordinal);

    for (int pageSize : new int[] {1, 3, 7, 39, 80, 81, 200}) {
      assertThat(readInDocumentOrder(ordinal, pageSize)).as("page size %d", pageSize)
          .containsExactlyElementsOf(expected);
    }
  }

  /** Every page of a {@link DocumentOrderReader}, as document@ordinal. */
  private List<String> readInDocumentOrder(long upTo, int pageSize) {
    DocumentOrderReader reader = new DocumentOrderReader(store, upTo, pageSize);
    List<String> seen = new ArrayList<>();
    StoredOperation last = null;
    for (int pages = 0; pages < 1_000; pages++) {
      List<StoredOperation> page = reader.after(last);
      if (page.isEmpty()) {
        return seen;
      }
      assertThat(page).hasSizeLessThanOrEqualTo(pageSize);
      page.forEach(op -> seen.add(op.documentId() + "@" + op.ordinal()));
      last = page.get(page.size() - 1);
    }
    throw new AssertionError("no end after 1,000 pages");
  }

  @Test
  void a_read_of_some_action_types_skips_the_others_and_stops_at_the_bound() {
    append(ops.create("doc-1", null));                               // 1
    append(ops.increment("doc-1", 0, 1, 1));                         // 2
    append(ops.addRelationship("doc-1", "doc-2", "child", 1));        // 3
    append(ops.increment("doc-1", 1, 1, 2));                         // 4
    append(ops.addRelationship("doc-1", "doc-3", "child", 2));        // 5
    append(ops.addRelationship("doc-1", "doc-4", "child", 3));        // 6, past the bound

    Set<String> types = Set.of(SystemActions.ADD_RELATIONSHIP);
    assertThat(store.getSinceOrdinal(0, 5, types, 10)).extracting(StoredOperation::ordinal).containsExactly(3L, 5L);
    assertThat(store.getSinceOrdinal(3, 5, types, 10)).extracting(StoredOperation::ordinal).containsExactly(5L);
    assertThat(store.getSinceOrdinal(0, 5, types, 1)).extracting(StoredOperation::ordinal).containsExactly(3L);
    assertThat(store.getSinceOrdinal(0, 5, null, 10)).hasSize(5);
    assertThat(store.getSinceOrdinal(0, 5, Set.of(), 10)).isEmpty();
  }

  @Test
  void the_windowed_read_of_some_action_types_returns_every_match_once_in_order_whatever_the_page_size() {
    // Matches dense, then none for many windows, then sparse, then one past the bound.
    append(ops.create("doc-1", null));
    List<Long> expected = new ArrayList<>();
    long ordinal = 1;
    long index = 0;
    int target = 2;
    for (int i = 0; i < 120; i++) {
      boolean match = i < 10 || (i >= 80 && i % 7 == 0);
      if (match) {
        append(ops.addRelationship("doc-1", "doc-" + target, "child", target - 1));
        target++;
        expected.add(++ordinal);
      } else {
        append(ops.increment("doc-1", index, 1, index + 1));
        index++;
        ordinal++;
      }
    }
    append(ops.addRelationship("doc-1", "doc-past", "child", target - 1)); // past the bound
    Set<String> types = Set.of(SystemActions.ADD_RELATIONSHIP);

    for (int pageSize : new int[] {1, 2, 3, 7, 10, 50}) {
      FilteredOrdinalReader reader = new FilteredOrdinalReader(store, ordinal, types, pageSize);
      List<Long> seen = new ArrayList<>();
      for (List<StoredOperation> page = reader.after(null); !page.isEmpty(); page = reader.after(null)) {
        assertThat(page).hasSizeLessThanOrEqualTo(pageSize);
        page.forEach(op -> seen.add(op.ordinal()));
      }
      assertThat(seen).as("page size %d", pageSize).containsExactlyElementsOf(expected);
    }
    assertThat(new FilteredOrdinalReader(store, ordinal, Set.of(), 10).after(null)).isEmpty();
  }
}
