package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommittedRowsTest {

  @Test
  void remembers_committed_rows_until_told_to_forget_them() {
    CommittedRows<String, String> rows = CommittedRows.bounded(10);

    rows.remember(Map.of("a", "a1", "b", "b1"));
    rows.remember(Map.of("a", "a2"));

    assertThat(rows.get("a")).isEqualTo("a2");
    assertThat(rows.get("b")).isEqualTo("b1");
    assertThat(rows.get("c")).isNull();
    rows.forgetAll();
    assertThat(rows.get("a")).isNull();
    assertThat(rows.size()).isZero();
  }

  @Test
  void stays_near_its_bound_and_keeps_the_latest_rows_it_was_given() {
    CommittedRows<Integer, String> rows = CommittedRows.bounded(100);
    for (int group = 0; group < 50; group++) {
      Map<Integer, String> committed = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        committed.put(group * 30 + i, "row-" + (group * 30 + i));
      }
      rows.remember(committed);
      assertThat(rows.size()).isLessThanOrEqualTo(100 + 30);
      // A group smaller than the bound is remembered whole: the rows the next write will need.
      committed.forEach((key, row) -> assertThat(rows.get(key)).isEqualTo(row));
    }
  }

  @Test
  void a_row_a_reader_loaded_is_kept_only_if_no_commit_began_since_it_looked() {
    CommittedRows<String, String> rows = CommittedRows.bounded(10);
    CommitVersion commits = new CommitVersion();

    long before = commits.stable();
    commits.beginWrite(); // a commit changes "a" while the reader loads it
    assertThat(commits.stable()).as("no stable version while the writer updates").isEqualTo(-1);
    rows.remember(Map.of("a", "a-new"));
    commits.endWrite();
    rows.rememberLoaded("a", "a-old", commits, before);
    rows.rememberLoaded("b", "b-old", commits, before);
    assertThat(rows.get("a")).isEqualTo("a-new");
    assertThat(rows.get("b")).as("loaded before a commit: maybe stale, not kept").isNull();

    long now = commits.stable();
    rows.rememberLoaded("b", "b1", commits, now);
    rows.rememberLoaded("a", "a-older", commits, now);
    assertThat(rows.get("b")).isEqualTo("b1");
    assertThat(rows.get("a")).as("a remembered row is not replaced by a reader's").isEqualTo("a-new");
    assertThat(commits.unchangedSince(-1)).isFalse();
  }

  @Test
  void a_large_commit_is_forgotten_rather_than_remembered() {
    CommittedRows<String, String> rows = CommittedRows.bounded(100);
    rows.remember(Map.of("a", "a1", "b", "b1"));

    assertThat(rows.worthRemembering(10)).isTrue();
    assertThat(rows.worthRemembering(11)).as("a catch-up page").isFalse();
    rows.forget(java.util.List.of("a"));

    assertThat(rows.get("a")).as("changed by the large commit: not kept stale").isNull();
    assertThat(rows.get("b")).isEqualTo("b1");
    assertThat(CommittedRows.disabled().worthRemembering(1)).isFalse();
  }

  @Test
  void a_disabled_memory_remembers_nothing() {
    CommittedRows<String, String> rows = CommittedRows.disabled();
    rows.remember(Map.of("a", "a1"));
    rows.rememberLoaded("b", "b1", new CommitVersion(), 0);
    rows.forgetAll();
    assertThat(rows.get("a")).isNull();
    assertThat(rows.get("b")).isNull();
    assertThatThrownBy(() -> CommittedRows.bounded(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
