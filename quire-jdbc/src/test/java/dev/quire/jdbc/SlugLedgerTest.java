package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.jdbc.SlugLedger.Loser;
import dev.quire.jdbc.SlugLedger.Slot;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlugLedgerTest {

  private final SlugLedger ledger = new SlugLedger();

  @Test
  void events_are_settled_by_ordinal_whatever_order_they_were_recorded_in() {
    ledger.claim(20, "main", "s", "doc-a");
    ledger.claim(10, "main", "s", "doc-b");

    SlugLedger.Settlement settled = ledger.settle();

    assertThat(settled.holders()).isEqualTo(Map.of(new Slot("main", "s"), "doc-a"));
    assertThat(settled.losers()).containsExactly(new Loser("doc-b", "main"));
  }

  @Test
  void a_release_frees_the_slug_only_while_its_document_holds_it() {
    ledger.release(30, "main", "t", "doc-d"); // doc-d lost "t" to doc-c at 20: nothing to free
    ledger.claim(20, "main", "t", "doc-c");
    ledger.claim(10, "main", "t", "doc-d");
    ledger.claim(5, "main", "u", "doc-f");
    ledger.release(6, "main", "u", "doc-f");

    SlugLedger.Settlement settled = ledger.settle();

    assertThat(settled.holders()).isEqualTo(Map.of(new Slot("main", "t"), "doc-c"));
    assertThat(settled.losers()).isEqualTo(Set.of(new Loser("doc-d", "main")));
  }

  @Test
  void branches_hold_their_slugs_apart() {
    ledger.claim(1, "main", "s", "doc-a");
    ledger.claim(2, "draft", "s", "doc-b");

    assertThat(ledger.settle().holders())
        .isEqualTo(Map.of(new Slot("main", "s"), "doc-a", new Slot("draft", "s"), "doc-b"));
    assertThat(ledger.settle().losers()).isEmpty();
  }
}
