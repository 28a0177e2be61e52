package dev.quire.readmodel;

import static dev.quire.readmodel.TestOperations.op;
import static dev.quire.readmodel.TestOperations.stream;
import static dev.quire.readmodel.TestOperations.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.event.QuireEvents.OperationsReady;
import dev.quire.event.QuireEvents.ReadModelFailed;
import dev.quire.model.OperationWithContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The origin's coordinator suite (origin-reactor.md D.2, adapted to Quire's READY semantics) plus the
 * gaps (a)-(e) it lists and multi-stream batches. Failure handling lives in {@link
 * ReadModelCoordinatorFailureTest}, the stress test in {@link ReadModelCoordinatorStressTest}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadModelCoordinatorTest {

  private final EventBus bus = new EventBus();
  private final EventRecorder<OperationsReady> ready = EventRecorder.on(bus, QuireEvents.OPERATIONS_READY);
  private final EventRecorder<ReadModelFailed> failures =
      EventRecorder.on(bus, QuireEvents.READ_MODEL_FAILED);
  private final List<ReadModelCoordinator> coordinators = new ArrayList<>();

  @AfterEach
  void closeCoordinators() {
    coordinators.forEach(ReadModelCoordinator::close);
  }

  private ReadModelCoordinator started(ReadModelCoordinator.Builder builder) {
    ReadModelCoordinator coordinator = builder.build();
    coordinators.add(coordinator);
    coordinator.start();
    return coordinator;
  }

  private ReadModelCoordinator startedWith(ReadModel... preReady) {
    return started(ReadModelCoordinator.builder(bus).preReady(preReady));
  }

  private void publish(QuireEvents.OperationWritten event) {
    assertThat(bus.emit(QuireEvents.OPERATION_WRITTEN, event)).isCompleted();
  }

  private static void await(CompletableFuture<?> future) throws Exception {
    future.get(TestReadModel.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Nested
  class LiveRegistration {

    @Test
    void addReadModel_addsToStageAndInventory() {
      ReadModelCoordinator coordinator = startedWith();
      TestReadModel pre = TestReadModel.named("pre");
      TestReadModel post = TestReadModel.named("post");

      coordinator.addReadModel(pre, ReadModelStage.PRE_READY);
      coordinator.addReadModel(post, ReadModelStage.POST_READY);

      assertThat(coordinator.readModels(ReadModelStage.PRE_READY)).containsExactly(pre);
      assertThat(coordinator.readModels(ReadModelStage.POST_READY)).containsExactly(post);
      assertThat(coordinator.readModels()).containsExactly(pre, post);
    }

    @Test
    void addReadModel_duplicateNameAcrossStages_rejected() {
      ReadModelCoordinator coordinator = startedWith();
      coordinator.addReadModel(TestReadModel.named("duplicate"), ReadModelStage.PRE_READY);

      assertThatThrownBy(
              () -> coordinator.addReadModel(TestReadModel.named("duplicate"), ReadModelStage.POST_READY))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Read model \"duplicate\" is already registered");
      assertThat(coordinator.readModels()).hasSize(1);
    }

    @Test
    void build_duplicateNames_rejected() {
      ReadModelCoordinator.Builder builder =
          ReadModelCoordinator.builder(bus)
              .preReady(TestReadModel.named("same"))
              .postReady(TestReadModel.named("same"));

      assertThatThrownBy(builder::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Read model \"same\" is already registered");
    }

    @Test
    void builder_settingAnOptionTwice_rejected() {
      ReadModelCoordinator.Builder builder =
          ReadModelCoordinator.builder(bus).retryPolicy(RetryPolicy.none());

      assertThatThrownBy(() -> builder.retryPolicy(RetryPolicy.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("retryPolicy was already set to");
    }

    @Test
    void addReadModel_whileRunning_receivesLaterBatches() throws Exception {
      ReadModelCoordinator coordinator = startedWith(TestReadModel.named("first"));
      publish(written("job-1", op("doc1", 0)));
      await(coordinator.drain());
      TestReadModel late = TestReadModel.named("late");

      coordinator.addReadModel(late, ReadModelStage.PRE_READY);
      publish(written("job-2", op("doc1", 1)));
      await(coordinator.drain());

      assertThat(late.indexedIds()).containsExactly("doc1#1");
    }
  }

  @Nested
  class OperationsReadyEvent {

    @Test
    void emitsReadyAfterAllReadModelsFinishIndexing() throws Exception {
      TestReadModel first = TestReadModel.named("first");
      TestReadModel second = TestReadModel.named("second");
      ReadModelCoordinator coordinator = startedWith(first, second);
      List<OperationWithContext> operations = List.of(op("doc1", 0));

      publish(written("job-1", operations));
      await(coordinator.drain());

      assertThat(ready.all()).hasSize(1);
      assertThat(ready.all().get(0).operations()).isEqualTo(operations);
      List<OperationWithContext> seenByFirst = first.nextCall().operations;
      assertThat(seenByFirst).isEqualTo(operations);
      assertThat(second.nextCall().operations).isSameAs(seenByFirst);
    }

    @Test
    void emitsReadyWithTheCorrectPayload() throws Exception {
      ReadModelCoordinator coordinator = startedWith(TestReadModel.named("view"));

      publish(written("job-42", op("doc1", 0)));
      await(coordinator.drain());

      OperationsReady event = ready.next();
      assertThat(event.jobId()).isEqualTo("job-42");
      assertThat(event.operations()).hasSize(1);
      OperationWithContext context = event.operations().get(0);
      assertThat(context.documentId()).isEqualTo("doc1");
      assertThat(context.scope()).isEqualTo("global");
      assertThat(context.branch()).isEqualTo("main");
    }

    @Test
    void emitsReadyAfterTheReadModelsFinish_notBefore() throws Exception {
      TestReadModel view = TestReadModel.named("view").holding();
      ReadModelCoordinator coordinator = startedWith(view);
      List<Integer> indexedWhenReady = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(QuireEvents.OPERATIONS_READY, event -> indexedWhenReady.add(view.indexed().size()));

      publish(written("job-1", op("doc1", 0)));
      TestReadModel.Call call = view.nextCall();
      assertThat(ready.count()).isZero();

      call.complete();
      ready.next();
      await(coordinator.drain());

      assertThat(indexedWhenReady).containsExactly(1);
    }

    @Test
    void handlesSeveralReadModelsFinishingInAnyOrder() throws Exception {
      TestReadModel a = TestReadModel.named("a").holding();
      TestReadModel b = TestReadModel.named("b").holding();
      TestReadModel c = TestReadModel.named("c").holding();
      ReadModelCoordinator coordinator = startedWith(a, b, c);
      List<String> completionOrder = Collections.synchronizedList(new ArrayList<>());
      List<Integer> seenByReady = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(QuireEvents.OPERATIONS_READY, event -> seenByReady.add(completionOrder.size()));

      publish(written("job-1", op("doc1", 0)));
      TestReadModel.Call callA = a.nextCall();
      TestReadModel.Call callB = b.nextCall();
      TestReadModel.Call callC = c.nextCall();
      completionOrder.add("b");
      callB.complete();
      completionOrder.add("c");
      callC.complete();
      assertThat(ready.count()).isZero();
      completionOrder.add("a");
      callA.complete();
      await(coordinator.drain());

      assertThat(seenByReady).containsExactly(3);
    }

    @Test
    void handlesSeveralBatches_inEmissionOrder() throws Exception {
      ReadModelCoordinator coordinator = startedWith(TestReadModel.named("view"));
      List<OperationWithContext> first = List.of(op("doc1", 0));
      List<OperationWithContext> second = List.of(op("doc1", 1));

      publish(written("job-1", first));
      publish(written("job-2", second));
      await(coordinator.drain());

      assertThat(ready.all()).extracting(OperationsReady::operations).containsExactly(first, second);
    }

    @Test
    void stoppedCoordinator_indexesNothingAndEmitsNoReady() throws Exception {
      TestReadModel view = TestReadModel.named("view");
      ReadModelCoordinator coordinator = startedWith(view);
      coordinator.stop();

      publish(written("job-1", op("doc1", 0)));
      await(coordinator.drain());

      assertThat(view.pendingCalls()).isZero();
      assertThat(ready.count()).isZero();
      assertThat(bus.subscriberCount(QuireEvents.OPERATION_WRITTEN)).isZero();
    }

    @Test
    void startAndStop_areIdempotent_andStartResumes() throws Exception {
      TestReadModel view = TestReadModel.named("view");
      ReadModelCoordinator coordinator = startedWith(view);
      coordinator.start();
      assertThat(bus.subscriberCount(QuireEvents.OPERATION_WRITTEN)).isEqualTo(1);
      coordinator.stop();
      coordinator.stop();

      coordinator.start();
      publish(written("job-1", op("doc1", 0)));
      await(coordinator.drain());

      assertThat(view.indexedIds()).containsExactly("doc1#0");
      assertThat(ready.count()).isEqualTo(1);
    }
  }

  @Nested
  class PerStreamSerialization {

    @Test
    void serializesBatchesOfOneStream() throws Exception {
      List<String> log = Collections.synchronizedList(new ArrayList<>());
      TestReadModel view =
          TestReadModel.named("view")
              .behave(
                  call -> {
                    String id = call.ids().get(0);
                    log.add("start:" + id);
                    return call.gate.thenRun(() -> log.add("end:" + id));
                  });
      ReadModelCoordinator coordinator = startedWith(view);

      publish(written("job-a", op("op-a", "doc1", 0)));
      publish(written("job-b", op("op-b", "doc1", 1)));
      TestReadModel.Call first = view.nextCall();
      // A batch on another stream runs meanwhile; had op-b been started, it would be queued by now.
      publish(written("job-marker", op("marker", "doc2", 0)));
      TestReadModel.Call marker = view.nextCall();
      assertThat(marker.ids()).containsExactly("marker");
      assertThat(view.pendingCalls()).isZero();
      marker.complete();

      first.complete();
      view.nextCall().complete();
      await(coordinator.drain());

      assertThat(log).containsSubsequence("start:op-a", "end:op-a", "start:op-b", "end:op-b");
      assertThat(log.indexOf("end:op-a")).isLessThan(log.indexOf("start:op-b"));
    }

    @Test
    void runsDifferentStreamsInParallel() throws Exception {
      TestReadModel view = TestReadModel.named("view").holding();
      ReadModelCoordinator coordinator = startedWith(view);

      publish(written("job-a", op("docA", 0)));
      publish(written("job-b", op("docB", 0)));
      TestReadModel.Call a = view.nextCall();
      TestReadModel.Call b = view.nextCall(); // docB started while docA is unfinished

      assertThat(List.of(a.ids().get(0), b.ids().get(0))).containsExactlyInAnyOrder("docA#0", "docB#0");
      assertThat(coordinator.chainDepth()).isEqualTo(2);
      b.complete();
      a.complete();
      await(coordinator.drain());
      assertThat(coordinator.chainDepth()).isZero();
    }

    @Test
    void continuesTheChainAfterAFailedBatchIsSkipped() throws Exception {
      TestReadModel view =
          TestReadModel.named("view")
              .behave(
                  call ->
                      call.ids().contains("op-fail")
                          ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                          : CompletableFuture.completedFuture(null));
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(view).retryPolicy(RetryPolicy.none()));

      publish(written("job-fail", op("op-fail", "doc1", 0)));
      publish(written("job-ok", op("op-ok", "doc1", 1)));
      await(coordinator.drain()); // parked work does not hold drain

      assertThat(view.indexedIds()).isEmpty();
      assertThat(coordinator.skip("view", stream("doc1"))).isTrue();
      await(coordinator.drain());
      assertThat(view.indexedIds()).containsExactly("op-ok");
    }

    @Test
    void multiStreamBatch_waitsForEachStreamsPredecessor() throws Exception {
      TestReadModel view = TestReadModel.named("view").holding();
      ReadModelCoordinator coordinator = startedWith(view);

      publish(written("job-a", op("docA", 0)));
      publish(written("job-b", op("docB", 0)));
      // The first operation is docA's: keying by the first operation only would miss docB.
      publish(written("job-ab", op("docA", 1), op("docB", 1)));
      TestReadModel.Call first = view.nextCall();
      TestReadModel.Call second = view.nextCall();
      TestReadModel.Call onA = first.ids().contains("docA#0") ? first : second;
      TestReadModel.Call onB = onA == first ? second : first;

      onA.complete();
      publish(written("job-marker", op("docC", 0)));
      TestReadModel.Call marker = view.nextCall();
      assertThat(marker.ids()).containsExactly("docC#0");
      assertThat(view.pendingCalls()).isZero(); // job-ab still waits for docB#0
      marker.complete();

      onB.complete();
      TestReadModel.Call spanning = view.nextCall();
      assertThat(spanning.ids()).containsExactly("docA#1", "docB#1");
      spanning.complete();
      await(coordinator.drain());

      assertThat(ready.all()).extracting(OperationsReady::jobId).endsWith("job-ab");
      assertThat(view.tracker().getLatest(stream("docB"))).hasValue(1);
    }

    @Test
    void multiStreamBatch_laterBatchesOfEitherStreamWaitForIt() throws Exception {
      TestReadModel view = TestReadModel.named("view").holding();
      ReadModelCoordinator coordinator = startedWith(view);

      publish(written("job-ab", op("docA", 0), op("docB", 0)));
      publish(written("job-b", op("docB", 1)));
      TestReadModel.Call spanning = view.nextCall();
      publish(written("job-marker", op("docC", 0)));
      TestReadModel.Call marker = view.nextCall();
      assertThat(marker.ids()).containsExactly("docC#0");
      assertThat(view.pendingCalls()).isZero();
      marker.complete();

      spanning.complete();
      view.nextCall().complete();
      await(coordinator.drain());

      assertThat(view.indexedIds()).containsSubsequence("docA#0", "docB#1");
      assertThat(ready.all()).extracting(OperationsReady::jobId).containsSubsequence("job-ab", "job-b");
    }
  }

  @Nested
  class Drain {

    @Test
    void resolvesAtOnceWhenNothingIsPending() {
      ReadModelCoordinator coordinator = startedWith();

      assertThat(coordinator.drain()).isCompleted();
    }

    @Test
    void waitsForAllInFlightChains() throws Exception {
      TestReadModel view = TestReadModel.named("view").holding();
      ReadModelCoordinator coordinator = startedWith(view);

      publish(written("job-a", op("docA", 0)));
      publish(written("job-b", op("docB", 0)));
      TestReadModel.Call a = view.nextCall();
      TestReadModel.Call b = view.nextCall();
      CompletableFuture<Void> drained = coordinator.drain();
      assertThat(drained).isNotDone();

      a.complete();
      assertThat(drained).isNotDone();
      b.complete();
      await(drained);

      assertThat(view.indexed()).hasSize(2);
    }

    @Test
    void waitsForQueuedBatchesAndPostReadyModels() throws Exception {
      TestReadModel pre = TestReadModel.named("pre").holding();
      TestReadModel post = TestReadModel.named("post").holding();
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(pre).postReady(post));

      publish(written("job-1", op("doc1", 0)));
      publish(written("job-2", op("doc1", 1)));
      CompletableFuture<Void> drained = coordinator.drain();
      pre.nextCall().complete();
      post.nextCall().complete();
      pre.nextCall().complete();
      assertThat(drained).isNotDone();
      post.nextCall().complete();

      await(drained);
      assertThat(post.indexedIds()).containsExactly("doc1#0", "doc1#1");
    }
  }

  /** Behaviours the origin's design doc claims but never tested (origin-reactor.md D.2). */
  @Nested
  class Gaps {

    @Test
    void a_failingReadModel_noReadyForThatBatch_andReadModelFailedEmitted() throws Exception {
      IllegalStateException boom = new IllegalStateException("boom");
      TestReadModel broken = TestReadModel.named("broken").failing(boom);
      TestReadModel healthy = TestReadModel.named("healthy");
      ReadModelCoordinator coordinator =
          started(
              ReadModelCoordinator.builder(bus)
                  .preReady(broken, healthy)
                  .retryPolicy(RetryPolicy.none()));

      publish(written("job-1", op("doc1", 0)));
      await(coordinator.drain());

      assertThat(ready.count()).isZero();
      ReadModelFailed failure = failures.next();
      assertThat(failure.readModel()).isEqualTo("broken");
      assertThat(failure.jobId()).isEqualTo("job-1");
      assertThat(failure.stream()).isEqualTo(stream("doc1"));
      assertThat(failure.error()).isSameAs(boom);
      assertThat(failure.attempt()).isEqualTo(1);
      assertThat(failure.parked()).isTrue();
      assertThat(healthy.indexedIds()).containsExactly("doc1#0");
    }

    @Test
    void b_writerNeverSeesAReadModelError_evenWhenItThrowsSynchronously() throws Exception {
      TestReadModel throwing =
          TestReadModel.named("throwing")
              .behave(
                  call -> {
                    throw new IllegalStateException("thrown");
                  });
      ReadModelCoordinator coordinator =
          started(
              ReadModelCoordinator.builder(bus)
                  .preReady(throwing)
                  .retryPolicy(RetryPolicy.none())
                  .executor(Runnable::run)); // read model runs inside the writer's emit

      CompletableFuture<Void> emitted =
          bus.emit(QuireEvents.OPERATION_WRITTEN, written("job-1", op("doc1", 0)));

      assertThat(emitted).isCompleted();
      assertThat(failures.next().error()).hasMessage("thrown");
      assertThat(coordinator.status("throwing").isParked()).isTrue();
    }

    @Test
    void c_everyPreReadyTrackerIsUpdatedBeforeReady() throws Exception {
      TestReadModel view = TestReadModel.named("view");
      TestReadModel indexer = TestReadModel.named("indexer");
      ReadModelCoordinator coordinator = startedWith(view, indexer);
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      bus.subscribe(
          QuireEvents.OPERATIONS_READY,
          event ->
              seen.add(
                  view.tracker().getLatest(stream("doc1"))
                      + " "
                      + indexer.tracker().getLatest(stream("doc1"))));

      publish(written("job-1", op("doc1", 0), op("doc1", 1)));
      await(coordinator.drain());

      assertThat(seen).containsExactly("OptionalLong[1] OptionalLong[1]");
    }

    @Test
    void d_preReadyThenReadyThenPostReady() throws Exception {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      TestReadModel pre =
          TestReadModel.named("pre")
              .behave(
                  call -> {
                    order.add("pre");
                    return CompletableFuture.completedFuture(null);
                  });
      TestReadModel post =
          TestReadModel.named("post")
              .behave(
                  call -> {
                    order.add("post");
                    return CompletableFuture.completedFuture(null);
                  });
      bus.subscribe(QuireEvents.OPERATIONS_READY, event -> order.add("ready"));
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(pre).postReady(post));

      publish(written("job-1", op("doc1", 0)));
      await(coordinator.drain());

      assertThat(order).containsExactly("pre", "ready", "post");
    }

    @Test
    void d_aSlowPostReadyModelNeverHoldsReadyBack() throws Exception {
      TestReadModel post = TestReadModel.named("post").holding();
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(TestReadModel.named("pre")).postReady(post));

      publish(written("job-1", op("doc1", 0)));
      publish(written("job-2", op("doc1", 1)));
      TestReadModel.Call held = post.nextCall();

      assertThat(ready.next().jobId()).isEqualTo("job-1");
      assertThat(ready.next().jobId()).isEqualTo("job-2");
      held.complete();
      post.nextCall().complete();
      await(coordinator.drain());
    }

    @Test
    void e_emptyOperations_yieldReadyAtOnce() {
      TestReadModel view = TestReadModel.named("view").holding();
      startedWith(view);

      publish(written("job-empty", List.of()));

      assertThat(ready.all()).extracting(OperationsReady::jobId).containsExactly("job-empty");
      assertThat(view.pendingCalls()).isZero();
    }
  }

  @Nested
  class Events {

    @Test
    void readModelIndexed_isEmittedPerAttempt() throws Exception {
      try (EventRecorder<QuireEvents.ReadModelIndexed> indexed =
          EventRecorder.on(bus, QuireEvents.READ_MODEL_INDEXED)) {
        ReadModelCoordinator coordinator = startedWith(TestReadModel.named("view"));

        publish(written("job-1", op("doc1", 0), op("doc1", 1)));
        await(coordinator.drain());

        QuireEvents.ReadModelIndexed event = indexed.next();
        assertThat(event.readModel()).isEqualTo("view");
        assertThat(event.jobId()).isEqualTo("job-1");
        assertThat(event.operationCount()).isEqualTo(2);
        assertThat(event.success()).isTrue();
        assertThat(event.durationNanos()).isNotNegative();
      }
    }

    @Test
    void throwingSubscribers_neverBreakTheChain() throws Exception {
      bus.subscribe(QuireEvents.READ_MODEL_INDEXED, event -> {
        throw new IllegalStateException("indexed subscriber");
      });
      bus.subscribe(QuireEvents.OPERATIONS_READY, event -> {
        throw new IllegalStateException("ready subscriber");
      });
      TestReadModel pre = TestReadModel.named("pre");
      TestReadModel post = TestReadModel.named("post");
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(pre).postReady(post));

      publish(written("job-1", op("doc1", 0)));
      publish(written("job-2", op("doc1", 1)));
      await(coordinator.drain());

      assertThat(ready.count()).isEqualTo(2);
      assertThat(post.indexedIds()).containsExactly("doc1#0", "doc1#1");
    }

    @Test
    void asyncReadySubscriber_isAwaitedBeforePostReadyModels() throws Exception {
      CompletableFuture<Void> subscriberDone = new CompletableFuture<>();
      bus.subscribeAsync(QuireEvents.OPERATIONS_READY, event -> subscriberDone);
      TestReadModel post = TestReadModel.named("post");
      ReadModelCoordinator coordinator =
          started(ReadModelCoordinator.builder(bus).preReady(TestReadModel.named("pre")).postReady(post));

      publish(written("job-1", op("doc1", 0)));
      ready.next();
      CompletableFuture<Void> drained = coordinator.drain();
      assertThat(post.pendingCalls()).isZero();
      assertThat(drained).isNotDone();

      subscriberDone.complete(null);
      await(drained);
      assertThat(post.indexedIds()).containsExactly("doc1#0");
    }
  }

  @Test
  void readModelCode_runsOnTheNamedDefaultPool() throws Exception {
    TestReadModel view = TestReadModel.named("view");
    ReadModelCoordinator coordinator = startedWith(view);

    publish(written("job-1", op("doc1", 0)));
    await(coordinator.drain());

    assertThat(view.nextCall().thread).startsWith("quire-readmodel");
  }

  @Test
  void close_stopsAndWaitsForInFlightWork() throws Exception {
    TestReadModel view = TestReadModel.named("view").holding();
    ReadModelCoordinator coordinator = startedWith(view);
    publish(written("job-1", op("doc1", 0)));
    TestReadModel.Call call = view.nextCall();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(coordinator::close);
    call.complete();
    closed.get(TestReadModel.WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(view.indexedIds()).containsExactly("doc1#0");
    assertThat(bus.subscriberCount(QuireEvents.OPERATION_WRITTEN)).isZero();
    assertThatThrownBy(coordinator::start).isInstanceOf(IllegalStateException.class);
  }
}
