package dev.quire.jdbc;

import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.OperationWithContext;
import dev.quire.store.DuplicateOperationException;
import dev.quire.store.RevisionMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit on either dialect: batches queued while a group commits go into the next group
 * together; a conflicting batch fails alone; nobody hears "done" before the commit.
 */
abstract class GroupCommitContract {

  private static final long WAIT_SECONDS = 10;

  /** A fresh, empty database for one test. */
  protected abstract QuireDatabase database();

  /** Called after the test's store is closed. */
  protected void release(QuireDatabase database) {}

  private final List<List<Long>> groups = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstGroupCommitting = new CountDownLatch(1);
  private final CountDownLatch releaseFirstGroup = new CountDownLatch(1);
  private JdbcOperationStore store;

  private QuireDatabase database;

  @BeforeEach
  void openStore() {
    database = database();
    store =
        new JdbcOperationStore(
            database,
            JdbcOperationStore.DEFAULT_MAX_GROUP_SIZE,
            ordinals -> {
              groups.add(ordinals);
              if (groups.size() == 1) {
                firstGroupCommitting.countDown();
                if (!releaseFirstGroup.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("first group was never released");
                }
              }
            });
  }

  @AfterEach
  void closeStore() {
    releaseFirstGroup.countDown();
    store.close();
    release(database);
  }

  @Test
  @Timeout(30)
  void batches_queued_during_a_commit_are_committed_together_in_the_next_group() throws Exception {
    CompletableFuture<List<OperationWithContext>> first = store.appendAsync(batch(append(stream("first"), operations(0, 1))));
    assertThat(firstGroupCommitting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    List<CompletableFuture<List<OperationWithContext>>> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(store.appendAsync(batch(append(stream("doc-" + i), operations(0, 2)))));
    }
    assertThat(store.queuedBatches()).isEqualTo(20);
    releaseFirstGroup.countDown();

    assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(1L);
    for (CompletableFuture<List<OperationWithContext>> future : queued) {
      assertThat(future.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasSize(2);
    }
    assertThat(groups).hasSize(2);
    assertThat(groups.get(1)).hasSize(40);
    assertThat(store.lastOrdinal()).isEqualTo(41);
  }

  @Test
  @Timeout(30)
  void an_append_returns_only_after_its_group_committed() throws Exception {
    CompletableFuture<List<OperationWithContext>> first = store.appendAsync(batch(append(stream("doc"), operations(0, 1))));
    assertThat(firstGroupCommitting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    assertThat(first).isNotDone();
    assertThat(store.getSinceOrdinal(0, 10)).isEmpty();
    assertThat(store.lastOrdinal()).isZero();

    releaseFirstGroup.countDown();
    first.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(store.getSinceOrdinal(0, 10)).hasSize(1);
  }

  @Test
  @Timeout(30)
  void a_conflicting_batch_fails_alone_and_the_rest_of_its_group_commits() throws Exception {
    store.appendAsync(batch(append(stream("blocker"), operations(0, 1))));
    assertThat(firstGroupCommitting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    var a = store.appendAsync(batch(append(stream("x"), operations(0, 2))));
    var stale = store.appendAsync(batch(append(stream("y"), operations(5, 1))));
    var afterA = store.appendAsync(batch(append(stream("x"), operations(2, 1))));
    var racingA = store.appendAsync(batch(append(stream("x"), operations(0, 1))));
    var other = store.appendAsync(batch(append(stream("z"), operations(0, 1))));
    releaseFirstGroup.countDown();

    assertThat(a.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(2L, 3L);
    assertThat(afterA.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(4L);
    assertThat(other.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(5L);
    assertThatThrownBy(() -> stale.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream("y"));
          assertThat(e.actual()).isZero();
        });
    assertThatThrownBy(() -> racingA.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> assertThat(e.actual()).isEqualTo(3));
    assertThat(groups).hasSize(2);
    assertThat(groups.get(1)).containsExactly(2L, 3L, 4L, 5L);
    assertThat(store.getSinceOrdinal(0, 100)).extracting(OperationWithContext::documentId)
        .containsExactly("blocker", "x", "x", "x", "z");
  }

  @Test
  @Timeout(30)
  void a_batch_repeating_a_stored_operation_fails_alone_and_the_rest_of_its_group_commits() throws Exception {
    // The first group stores "op-a"; the second holds a batch that repeats it at the stream's head
    // (only the unique index can tell) between two batches that must commit.
    store.appendAsync(batch(append(stream("x"), dev.quire.store.Operations.op(0).id("op-a").build())));
    assertThat(firstGroupCommitting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    var before = store.appendAsync(batch(append(stream("y"), operations(0, 1))));
    var repeat = store.appendAsync(batch(append(stream("x"), dev.quire.store.Operations.op(1).id("op-a").build())));
    var after = store.appendAsync(batch(append(stream("z"), operations(0, 1))));
    releaseFirstGroup.countDown();

    assertThat(before.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(2L);
    assertThat(after.get(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(OperationWithContext::ordinal).containsExactly(3L);
    assertThatThrownBy(() -> repeat.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(DuplicateOperationException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream("x"));
          assertThat(e.operationId()).isEqualTo("op-a");
        });
    assertThat(groups).hasSize(2);
    assertThat(store.getSinceOrdinal(0, 100)).extracting(OperationWithContext::documentId)
        .containsExactly("x", "y", "z");
  }

  @Test
  @Timeout(30)
  void a_batch_with_an_unstorable_timestamp_is_refused_before_it_joins_a_group() throws Exception {
    store.appendAsync(batch(append(stream("blocker"), operations(0, 1))));
    assertThat(firstGroupCommitting.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    var bad = store.appendAsync(batch(append(stream("bad"),
        dev.quire.store.Operations.op(0).timestamp(java.time.Instant.parse("+12000-01-01T00:00:00Z")).build())));
    // Refused on the caller's thread while the writer is still held in the first group.
    assertThat(bad).isCompletedExceptionally();
    assertThatThrownBy(() -> bad.get(WAIT_SECONDS, TimeUnit.SECONDS)).cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("+12000-01-01T00:00:00Z");
    var good = store.appendAsync(batch(append(stream("good"), operations(0, 1))));
    releaseFirstGroup.countDown();

    assertThat(good.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasSize(1);
    assertThat(store.lastOrdinal()).isEqualTo(2);
    assertThatThrownBy(() -> store.append(batch(append(stream("bad"),
        dev.quire.store.Operations.op(0).timestamp(java.time.Instant.parse("-0001-01-01T00:00:00Z")).build()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastOrdinal()).isEqualTo(2);
  }

  @Test
  @Timeout(30)
  void appends_after_close_fail() {
    releaseFirstGroup.countDown();
    store.append(batch(append(stream("doc"), operations(0, 1))));
    store.close();

    assertThatThrownBy(() -> store.append(batch(append(stream("doc"), operations(1, 1)))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
