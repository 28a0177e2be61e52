package dev.quire.verify.target;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyToken;
import dev.quire.model.Action;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ItemsReadModelTest {

  private static OperationWithContext op(String doc, long index, Action action) {
    return new OperationWithContext(new Operation("op-" + doc + index, index, 0, Instant.EPOCH, "h", action, null),
        doc, "quire/json", "global", "main", index + 1, null);
  }

  private static List<OperationWithContext> append(String doc, long index, String element) {
    List<Action> actions = EmbeddedTarget.appendActions("c0", element, index);
    return List.of(op(doc, index * 2, actions.get(0)), op(doc, index * 2 + 1, actions.get(1)));
  }

  @Test
  @Timeout(5)
  void correct_aTokenReadWaitsForTheBatchAndReplaysChangeNothing() throws Exception {
    ItemsReadModel model = new ItemsReadModel(ItemsReadModel.Mode.CORRECT, Duration.ofSeconds(5));
    List<OperationWithContext> first = append("d", 0, "c0-1");
    ConsistencyToken token = ConsistencyToken.of(Instant.EPOCH, List.of(first.get(1).coordinate()));
    CompletableFuture<List<String>> read = model.items("d", ReadOptions.after(token, Duration.ofSeconds(5)));
    assertThat(read).isNotDone();

    model.indexOperations(first).toCompletableFuture().get(1, TimeUnit.SECONDS);
    model.indexOperations(first).toCompletableFuture().get(1, TimeUnit.SECONDS);

    assertThat(read.get(1, TimeUnit.SECONDS)).containsExactly("c0-1");
    assertThat(model.snapshot()).containsEntry("d", List.of("c0-1"));
  }

  @Test
  @Timeout(5)
  void trackerBeforeCommit_answersATokenReadBeforeTheItemIsThere() throws Exception {
    ItemsReadModel model = new ItemsReadModel(ItemsReadModel.Mode.TRACKER_BEFORE_COMMIT, Duration.ofSeconds(5));
    List<OperationWithContext> first = append("d", 0, "c0-1");
    ConsistencyToken token = ConsistencyToken.of(Instant.EPOCH, List.of(first.get(1).coordinate()));

    model.indexOperations(first).toCompletableFuture().get(1, TimeUnit.SECONDS);

    assertThat(model.items("d", ReadOptions.after(token, Duration.ofSeconds(1))).get(1, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  @Timeout(5)
  void dropOneInAThousand_losesTheThousandthAppend() throws Exception {
    ItemsReadModel model = new ItemsReadModel(ItemsReadModel.Mode.DROP_ONE_IN_A_THOUSAND, Duration.ofSeconds(5));
    for (int i = 0; i < 1000; i++) {
      model.indexOperations(append("d", i, "c0-" + i)).toCompletableFuture().get(1, TimeUnit.SECONDS);
    }

    assertThat(model.dropped()).isEqualTo(1);
    assertThat(model.snapshot().get("d")).hasSize(999).doesNotContain("c0-999");
  }
}
