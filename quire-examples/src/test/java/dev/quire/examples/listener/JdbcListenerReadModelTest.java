package dev.quire.examples.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.ReadModelFailedException;
import dev.quire.consistency.StreamKey;
import dev.quire.listener.JdbcListenerReadModel;
import dev.quire.listener.ListenerFailedException;
import dev.quire.listener.ListenerPhase;
import dev.quire.listener.Listener;
import dev.quire.model.OperationWithContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JdbcListenerReadModelTest {

  @TempDir
  Path folder;

  private static void await(CompletionStage<?> stage) throws Exception {
    stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private static StreamKey stream(String documentId) {
    return StreamKey.of(documentId, "global", "main");
  }

  @Test
  void indexOperations_deliveredTwice_appliesOnce() throws Exception {
    Notes notes = new Notes(folder);
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      List<OperationWithContext> batch = notes.write("d1", "a", "b");

      await(model.indexOperations(batch));
      await(model.indexOperations(batch));

      assertThat(notes.notes()).containsEntry("d1", List.of("a", "b"));
      assertThat(notes.deliveries().values()).containsOnly(1);
      assertThat(model.tracker().getLatest(stream("d1"))).hasValue(1);
      assertThat(model.status().eventsDelivered()).isEqualTo(2);
    }
  }

  @Test
  void start_replaysHistoryInPages_thenGoesLive() throws Exception {
    Notes notes = new Notes(folder);
    for (int i = 0; i < 120; i++) {
      notes.write("d" + (i % 10), "n" + i);
    }
    try (JdbcListenerReadModel model = notes.readModel("notes").pageSize(25).build()) {
      await(model.start());

      assertThat(model.status().phase()).isEqualTo(ListenerPhase.LIVE);
      assertThat(model.status().watermark()).isEqualTo(120);
      assertThat(notes.deliveries()).hasSize(120);
      assertThat(model.tracker().getLatest(stream("d3"))).hasValue(11);

      await(model.indexOperations(notes.write("d3", "live")));
      assertThat(notes.notes().get("d3")).endsWith("live");
    }
  }

  @Test
  void restart_resumesFromItsCheckpoint_withoutRedelivering() throws Exception {
    Notes notes = new Notes(folder);
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      await(model.indexOperations(notes.write("d1", "a")));
      await(model.indexOperations(notes.write("d2", "b")));
    }
    notes.write("d1", "written while down");
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());

      assertThat(model.status().eventsDelivered()).isEqualTo(1);
      assertThat(notes.notes()).containsEntry("d1", List.of("a", "written while down"));
      assertThat(notes.deliveries().values()).containsOnly(1);
      assertThat(model.tracker().getLatest(stream("d2"))).hasValue(0);
    }
  }

  @Test
  void catchUp_failingStreamIsHeld_othersContinue_retryReleasesIt() throws Exception {
    Notes notes = new Notes(folder);
    notes.write("d1", "a1", "a2");
    notes.write("d2", "b1", "bad", "b3");
    notes.write("d3", "c1");
    notes.poison.add("bad");
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());

      assertThat(notes.notes()).containsEntry("d1", List.of("a1", "a2"))
          .containsEntry("d2", List.of("b1"))
          .containsEntry("d3", List.of("c1"));
      assertThat(model.status().heldStreams()).singleElement().satisfies(held -> {
        assertThat(held.stream()).isEqualTo(stream("d2"));
        assertThat(held.index()).isEqualTo(1);
        assertThat(held.error()).isInstanceOf(ListenerFailedException.class).hasMessageContaining("poisoned bad");
      });
      assertThat(model.status().watermark()).isEqualTo(3);
      CompletableFuture<Void> wait = model.tracker().waitFor(
          List.of(new ConsistencyCoordinate("d2", "global", "main", 2)), Duration.ofSeconds(5));
      assertThat(failureOf(wait)).isInstanceOf(ReadModelFailedException.class);
      assertThat(failureOf(model.indexOperations(notes.write("d2", "b4"))))
          .isInstanceOf(ListenerFailedException.class).hasMessageContaining("held");
      await(model.indexOperations(notes.write("d1", "a3")));

      notes.poison.clear();
      await(model.retry());

      assertThat(model.status().heldStreams()).isEmpty();
      assertThat(notes.notes().get("d2")).containsExactly("b1", "bad", "b3", "b4");
      await(model.tracker().waitFor(List.of(new ConsistencyCoordinate("d2", "global", "main", 3)), Duration.ofSeconds(5)));
      assertThat(notes.deliveries().values()).containsOnly(1);
    }
  }

  @Test
  void skip_heldStream_dropsOnlyTheFailingOperation_forGood() throws Exception {
    Notes notes = new Notes(folder);
    notes.write("d1", "a1", "bad", "a3");
    notes.poison.add("bad");
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      assertThat(model.status().heldStreams()).hasSize(1);

      assertThat(model.skip(stream("d1")).get(20, TimeUnit.SECONDS)).isTrue();

      assertThat(model.status().heldStreams()).isEmpty();
      assertThat(notes.notes().get("d1")).containsExactly("a1", "a3");
    }
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      assertThat(model.status().heldStreams()).isEmpty();
      assertThat(model.status().eventsDelivered()).isZero();
      assertThat(model.tracker().getLatest(stream("d1"))).hasValue(2);
    }
  }

  @Test
  void liveBatchFails_thenALaterBatchOfTheStream_recordsTheSkipForGood() throws Exception {
    Notes notes = new Notes(folder);
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      await(model.indexOperations(notes.write("d1", "a1")));
      notes.poison.add("bad");
      List<OperationWithContext> bad = notes.write("d1", "bad");
      assertThat(failureOf(model.indexOperations(bad))).isInstanceOf(ListenerFailedException.class)
          .hasMessageContaining("d1:global:main@1");
      // The coordinator skipped it (it hands over the stream's next batch only after retry or skip).
      await(model.indexOperations(notes.write("d1", "a3")));
    }
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      assertThat(model.status().heldStreams()).isEmpty();
      assertThat(notes.notes().get("d1")).containsExactly("a1", "a3");
    }
  }

  @Test
  void queuedBatchesShareATransaction_butAFailureStaysWithItsOwnBatch() throws Exception {
    Notes notes = new Notes(folder);
    notes.blockOn.add("slow");
    notes.poison.add("bad");
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      CompletionStage<Void> first = model.indexOperations(notes.write("d0", "slow"));
      assertThat(notes.blocked.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletionStage<Void>> queued = new ArrayList<>();
      queued.add(model.indexOperations(notes.write("d1", "x")));
      queued.add(model.indexOperations(notes.write("d2", "bad")));
      queued.add(model.indexOperations(notes.write("d3", "y")));
      long transactionsBefore = model.status().transactions();
      notes.release.countDown();

      await(first);
      await(queued.get(0));
      assertThat(failureOf(queued.get(1))).isInstanceOf(ListenerFailedException.class);
      await(queued.get(2));

      assertThat(notes.notes()).containsOnlyKeys("d0", "d1", "d3");
      // first; the group of three failing; then d1 and d3 alone
      assertThat(model.status().transactions() - transactionsBefore).isEqualTo(3);
    }
  }

  @Test
  void reset_redeliversEverythingAfterTheOrdinal() throws Exception {
    Notes notes = new Notes(folder);
    notes.write("d1", "a", "b", "c");
    notes.write("d2", "d");
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());

      await(model.reset(2));

      Map<String, Integer> deliveries = notes.deliveries();
      assertThat(deliveries).containsEntry("d1:global:main@0#0", 1)
          .containsEntry("d1:global:main@1#0", 1)
          .containsEntry("d1:global:main@2#0", 2)
          .containsEntry("d2:global:main@0#0", 2);
      assertThat(model.status().replayUntil()).isZero();
      assertThat(model.status().phase()).isEqualTo(ListenerPhase.LIVE);

      await(model.indexOperations(notes.write("d1", "e")));
      assertThat(notes.deliveries()).containsEntry("d1:global:main@3#0", 1);
    }
  }

  @Test
  void rebuild_emptiesAndReplays_toTheSameTable() throws Exception {
    Notes notes = new Notes(folder);
    try (JdbcListenerReadModel model = notes.readModel("notes").build()) {
      await(model.start());
      for (int i = 0; i < 30; i++) {
        await(model.indexOperations(notes.write("d" + (i % 4), "n" + i)));
      }
      Map<String, List<String>> live = notes.notes();

      await(model.rebuild());

      assertThat(notes.notes()).isEqualTo(live);
      assertThat(model.status().watermark()).isEqualTo(30);
      assertThat(model.tracker().getLatest(stream("d1"))).hasValue(7);
    }
  }

  @Test
  void aHandlerCannotEndTheTransaction() throws Exception {
    Notes notes = new Notes(folder);
    Listener<Connection> committing = Listener.builder(Connection.class)
        .on(Notes.Noted.class, (event, tx) -> tx.commit())
        .build();
    try (JdbcListenerReadModel model = JdbcListenerReadModel.builder("committing", notes.database)
        .operationStore(notes.store).mappers(Notes.mapper()).listener(committing).build()) {
      await(model.start());

      assertThat(failureOf(model.indexOperations(notes.write("d1", "a"))))
          .isInstanceOf(ListenerFailedException.class)
          .hasRootCauseInstanceOf(UnsupportedOperationException.class);
      assertThat(model.tracker().getLatest(stream("d1"))).isEmpty();
    }
  }

  @Test
  void close_failsLaterBatches() throws Exception {
    Notes notes = new Notes(folder);
    JdbcListenerReadModel model = notes.readModel("notes").build();
    await(model.start());
    model.close();

    assertThat(failureOf(model.indexOperations(notes.write("d1", "a")))).isInstanceOf(IllegalStateException.class);
    assertThat(model.status().phase()).isEqualTo(ListenerPhase.CLOSED);
    assertThatThrownBy(() -> model.start().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
  }
}
