package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

  private static final long LONG = TimeUnit.SECONDS.toNanos(30);

  @Test
  void toPreviousSizeWaitsForAsManyAsTheLastGroupHad() throws Exception {
    List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (GroupCommitter<Integer, Integer> committer = new GroupCommitter<>("test", 10,
        new GroupCommitter.Gathering.ToPreviousSize(LONG), group -> {
          if (group.get(0).item() == 0) {
            entered.countDown();
            release.await();
          }
          record(groups, group);
        })) {
      CompletableFuture<Integer> first = committer.submit(0);
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      // Queued while the first group is held: they form the second group, of 3.
      List<CompletableFuture<Integer>> second = List.of(committer.submit(1), committer.submit(2), committer.submit(3));
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<Integer> f : second) {
        f.get(10, TimeUnit.SECONDS);
      }
      // The third group waits for 3 requests (the previous size) before it is handled.
      List<CompletableFuture<Integer>> third = List.of(committer.submit(4), committer.submit(5), committer.submit(6));
      for (CompletableFuture<Integer> f : third) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(groups).containsExactly(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6));
    }
  }

  @Test
  void noneHandlesWhatIsQueuedAndAFailingHandlerFailsOnlyItsGroup() throws Exception {
    try (GroupCommitter<Integer, Integer> committer = new GroupCommitter<>("test", 5,
        new GroupCommitter.Gathering.None(), group -> {
          for (GroupCommitter.Request<Integer, Integer> request : group) {
            if (request.item() < 0) {
              throw new IllegalStateException("negative");
            }
            request.result().complete(request.item());
          }
        })) {
      assertThatThrownBy(() -> committer.submit(-1).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("negative");
      assertThat(committer.submit(7).get(10, TimeUnit.SECONDS)).isEqualTo(7);
    }
  }

  @Test
  void closeFinishesQueuedRequestsAndRefusesLaterOnes() throws Exception {
    GroupCommitter<Integer, Integer> committer = new GroupCommitter<>("test", 2,
        new GroupCommitter.Gathering.ToPreviousSize(LONG), group -> record(new ArrayList<>(), group));
    List<CompletableFuture<Integer>> queued = List.of(committer.submit(1), committer.submit(2), committer.submit(3));
    committer.close();
    for (CompletableFuture<Integer> f : queued) {
      assertThat(f).isCompleted();
    }
    assertThatThrownBy(() -> committer.submit(4).get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  private static void record(List<List<Integer>> groups, List<GroupCommitter.Request<Integer, Integer>> group) {
    groups.add(group.stream().map(GroupCommitter.Request::item).toList());
    group.forEach(r -> r.result().complete(r.item() * 10));
  }
}
