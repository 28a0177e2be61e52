package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.OperationWithContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PrefetchedPagesTest {

  private static final Instant TIME = Instant.parse("2026-11-24T04:00:00Z");

  /** Rows 1..count in pages of {@code pageSize}, each page read after the previous page's last row. */
  private static PrefetchedPages.Reader<StoredOperation> rows(long count, int pageSize, long failAfter) {
    return last -> {
      long from = last == null ? 1 : last.ordinal() + 1;
      if (from > failAfter) {
        throw new IllegalStateException("the store went away after ordinal " + failAfter);
      }
      return LongStream.rangeClosed(from, Math.min(count, from + pageSize - 1)).mapToObj(PrefetchedPagesTest::row).toList();
    };
  }

  private static StoredOperation row(long ordinal) {
    String action = OperationRows.actionJson(
        new Action("action-" + ordinal, "SET", "global", TIME, Json.object().put("n", ordinal), null));
    return new StoredOperation(ordinal, ordinal - 1, 0, "op-" + ordinal, "doc", "quire/json", "global", "main",
        OperationRows.timestamp(TIME.plusSeconds(ordinal)), "hash-" + ordinal, action.getBytes(StandardCharsets.UTF_8),
        null);
  }

  private static List<List<Long>> drain(PrefetchedPages<?> pages) {
    List<List<Long>> seen = new ArrayList<>();
    for (List<OperationWithContext> page = pages.next(); !page.isEmpty(); page = pages.next()) {
      seen.add(page.stream().map(OperationWithContext::ordinal).toList());
    }
    return seen;
  }

  @Test
  void pages_come_decoded_in_order_and_the_end_stays_empty() {
    PrefetchedPages<StoredOperation> pages = new PrefetchedPages<>(rows(7, 3, Long.MAX_VALUE), PrefetchedPages::decodeAll);

    assertThat(drain(pages)).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L), List.of(7L));
    assertThat(pages.next()).isEmpty();
    assertThat(pages.next()).isEmpty();
  }

  @Test
  void a_row_decodes_to_the_operation_it_was_read_from() {
    PrefetchedPages<StoredOperation> pages = new PrefetchedPages<>(rows(1, 5, Long.MAX_VALUE), PrefetchedPages::decodeAll);

    OperationWithContext op = pages.next().get(0);
    assertThat(op.ordinal()).isEqualTo(1);
    assertThat(op.key().documentId()).isEqualTo("doc");
    assertThat(op.operation().id()).isEqualTo("op-1");
    assertThat(op.operation().timestamp()).isEqualTo(TIME.plusSeconds(1));
    assertThat(op.operation().action().input().get("n").asLong()).isEqualTo(1);
  }

  @Test
  void an_empty_store_gives_an_empty_first_page() {
    assertThat(new PrefetchedPages<>(rows(0, 4, Long.MAX_VALUE), PrefetchedPages::decodeAll).next()).isEmpty();
  }

  @Test
  void a_failed_read_surfaces_at_its_page_after_the_pages_before_it() {
    // Reads run two pages ahead: the failure of the third must not cost the caller the first two.
    PrefetchedPages<StoredOperation> pages = new PrefetchedPages<>(rows(100, 2, 4), PrefetchedPages::decodeAll);

    assertThat(pages.next()).extracting(OperationWithContext::ordinal).containsExactly(1L, 2L);
    assertThat(pages.next()).extracting(OperationWithContext::ordinal).containsExactly(3L, 4L);
    assertThatThrownBy(pages::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("went away");
  }

  @Test
  void a_row_that_does_not_decode_fails_its_page() {
    StoredOperation broken = new StoredOperation(1, 0, 0, "op", "doc", "quire/json", "global", "main",
        OperationRows.timestamp(TIME), "hash", "[not an action]".getBytes(StandardCharsets.UTF_8), null);
    PrefetchedPages<StoredOperation> pages = new PrefetchedPages<>(
        last -> last == null ? List.of(broken) : List.of(), PrefetchedPages::decodeAll);

    assertThatThrownBy(pages::next).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a JSON object");
  }
}
