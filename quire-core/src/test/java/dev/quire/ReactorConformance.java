package dev.quire;

import static dev.quire.ReactorTestSupport.JSON;
import static dev.quire.ReactorTestSupport.await;
import static dev.quire.ReactorTestSupport.get;
import static dev.quire.ReactorTestSupport.global;
import static dev.quire.ReactorTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyTimeoutException;
import dev.quire.consistency.ConsistencyToken;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.event.QuireEvents;
import dev.quire.index.Direction;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.Relationship;
import dev.quire.job.InvalidJobException;
import dev.quire.job.JobInfo;
import dev.quire.job.JobStatus;
import dev.quire.model.Document;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.SystemActions;
import dev.quire.model.UnknownDocumentTypeException;
import dev.quire.readmodel.ReadGate;
import dev.quire.readmodel.ReadModel;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reactor-level behaviour, whatever the storage: the write → token → read path, the origin's D.10
 * scenarios, relationships, cascade delete, finds with paging and batches. A subclass supplies the
 * storage ({@link #openStorage}): {@code ReactorTest} in memory, and in quire-jdbc SQLite and
 * PostgreSQL. Every test builds its reactor on fresh, empty storage.
 */
@Timeout(30)
public abstract class ReactorConformance {

  /**
   * What one reactor under test is built on: its operation store, document view and indexer, and
   * what to close after the reactor (the reactor closes the store itself).
   */
  public record Storage(OperationStore store, DocumentView view, DocumentIndexer indexer, AutoCloseable resources) {

    public Storage {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(view, "view");
      Objects.requireNonNull(indexer, "indexer");
      resources = resources == null ? () -> {} : resources;
    }
  }

  private Reactor reactor;
  private Storage storage;
  // The held view of the D.10 tests, and the OPERATION_WRITTEN signal of each job.
  private HeldDocumentView view;
  private final Map<String, CompletableFuture<Void>> written = new ConcurrentHashMap<>();

  /**
   * Opens fresh, empty storage, its read models started (caught up) and their trackers on {@code
   * scheduler}'s clock, so a test can time out token waits with a manual scheduler.
   */
  protected abstract Storage openStorage(Scheduler scheduler);

  @AfterEach
  void close() throws Exception {
    try {
      if (reactor != null) {
        reactor.close();
      }
    } finally {
      if (storage != null) {
        storage.resources().close();
      }
    }
  }

  /** A builder on fresh storage; its view is {@code wrapView} of the storage's view. */
  private ReactorBuilder builder(Scheduler scheduler, UnaryOperator<DocumentView> wrapView) {
    storage = openStorage(scheduler != null ? scheduler : Scheduler.system());
    ReactorBuilder builder = Reactor.builder()
        .operationStore(storage.store())
        .documentView(wrapView.apply(storage.view()))
        .documentIndexer(storage.indexer());
    if (scheduler != null) {
      builder.scheduler(scheduler);
    }
    return builder;
  }

  private Reactor reactor() {
    reactor = builder(null, UnaryOperator.identity()).build();
    return reactor;
  }

  private String createJson(String id) {
    JobInfo done = await(reactor, reactor.create(CreateDocument.of(JSON, id)));
    assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
    return id;
  }

  private JobInfo execute(String id, dev.quire.model.Action... actions) {
    return await(reactor, reactor.execute(id, "main", List.of(actions)));
  }

  @Test
  void create_mutate_andReadWithTheToken() {
    reactor();
    JobInfo created = reactor.create(new CreateDocument(JSON, "doc-1", "my-doc", "My doc", null, null));
    assertThat(created.status()).isEqualTo(JobStatus.PENDING);
    assertThat(created.consistencyToken()).as("no usable token before WRITE_READY").isEmpty();
    assertThat(created.documentId()).isEqualTo("doc-1");
    await(reactor, created);

    JobInfo done = execute("doc-1", set("/count", 1), set("/name", "x"));
    assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
    ConsistencyToken token = done.consistencyToken().orElseThrow();
    assertThat(token.coordinates()).extracting(c -> c.scope() + "@" + c.operationIndex()).containsExactly("global@1", "document@0");

    Document doc = get(reactor.get("doc-1", ViewFilter.MAIN, ReadOptions.after(token)));
    assertThat(global(doc)).isEqualTo(Json.object().put("count", 1).put("name", "x"));
    assertThat(doc.header().slug()).isEqualTo("my-doc");
    assertThat(doc.header().name()).isEqualTo("My doc");
    assertThat(doc.header().documentType()).isEqualTo(JSON);
    assertThat(get(reactor.get("my-doc", null, ReadOptions.after(token))).id()).isEqualTo("doc-1");
  }

  @Test
  void create_withAGeneratedIdAndInitialState() {
    reactor();
    JobInfo done = await(reactor, reactor.create(CreateDocument.of(JSON)
        .withInitialState(Scopes.GLOBAL, Json.object().put("seed", true))));
    Document doc = get(reactor.get(done.documentId(), null, ReadOptions.after(done.consistencyToken().orElseThrow())));
    assertThat(global(doc)).isEqualTo(Json.object().put("seed", true));
  }

  @Test
  void badWrites_failFastAndQueueNothing() {
    reactor();
    assertThatThrownBy(() -> reactor.create(CreateDocument.of("no/such/type")))
        .isInstanceOf(UnknownDocumentTypeException.class);
    assertThatThrownBy(() -> reactor.execute("doc", "main", List.of())).isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("No actions");
    assertThatThrownBy(() -> reactor.addRelationship("a", "a", "child", null)).isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("self");
    assertThat(reactor.jobs().size()).isZero();
  }

  @Test
  void aRefusedAction_failsTheJobWithItsError_andLeavesNoToken() {
    reactor();
    createJson("doc");
    JobInfo done = execute("doc", dev.quire.model.Action.of("NOPE", Scopes.GLOBAL, Json.object()));
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.error().type()).isEqualTo("InvalidActionException");
    assertThat(done.consistencyToken()).isEmpty();
    assertThat(reactor.job(done.id())).contains(done);
  }

  @Test
  void delete_hidesTheDocumentAndRefusesLaterWrites() {
    reactor();
    createJson("doc");
    JobInfo deleted = await(reactor, reactor.delete("doc", false));
    assertThat(deleted.status()).isEqualTo(JobStatus.READ_READY);
    assertThatThrownBy(() -> get(reactor.get("doc", null, ReadOptions.after(deleted.consistencyToken().orElseThrow()))))
        .isInstanceOf(DocumentNotFoundException.class);

    JobInfo late = execute("doc", set("/a", 1));
    assertThat(late.status()).isEqualTo(JobStatus.FAILED);
    assertThat(late.error().type()).isEqualTo("DocumentDeletedException");
  }

  @Test
  void operations_readTheStoreDirectly() {
    reactor();
    createJson("doc");
    execute("doc", set("/a", 1), set("/a", 2), set("/a", 3));
    Page<Operation> page = get(reactor.operations("doc", Scopes.GLOBAL, null, 0, PageRequest.first(10)));
    assertThat(page.items()).extracting(Operation::index).containsExactly(1L, 2L);
  }

  @Test
  void awaitJob_ofAnUnknownJob_failsTyped() {
    reactor();
    assertThatThrownBy(() -> get(reactor.awaitJob("nope", Duration.ofSeconds(1))))
        .isInstanceOf(dev.quire.job.UnknownJobException.class);
    assertThat(reactor.job("nope")).isEmpty();
  }

  @Test
  void close_drainsQueuedJobsThenRefusesWrites() {
    reactor();
    List<JobInfo> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jobs.add(reactor.create(CreateDocument.of(JSON, "doc-" + i)));
    }
    reactor.close();
    for (JobInfo job : jobs) {
      assertThat(reactor.job(job.id()).orElseThrow().status()).isIn(JobStatus.READ_READY, JobStatus.WRITE_READY);
    }
    assertThatThrownBy(() -> reactor.create(CreateDocument.of(JSON))).isInstanceOf(IllegalStateException.class);
    reactor.close(); // idempotent
  }

  // ---- D.10 consistency-tokens: the document view is held, so WRITE_READY comes but READ_READY waits.

  private Reactor heldReactor(ManualScheduler scheduler) {
    reactor = builder(scheduler, storageView -> view = new HeldDocumentView(storageView)).build();
    reactor.events().subscribe(QuireEvents.OPERATION_WRITTEN,
        event -> written.computeIfAbsent(event.jobId(), id -> new CompletableFuture<>()).complete(null));
    return reactor;
  }

  /** The job's token, once it is WRITE_READY. */
  private ConsistencyToken writeReady(JobInfo job) {
    get(written.computeIfAbsent(job.id(), id -> new CompletableFuture<>()));
    return reactor.job(job.id()).orElseThrow().consistencyToken().orElseThrow();
  }

  @Test
  void aReadWithTheToken_waitsForTheViewAndAnswersAfterRelease() throws Exception {
    heldReactor(null);
    view.hold();
    JobInfo created = reactor.create(CreateDocument.of(JSON, "doc-1"));
    ConsistencyToken token = writeReady(created);
    assertThat(reactor.job(created.id()).orElseThrow().status()).isEqualTo(JobStatus.WRITE_READY);

    CompletableFuture<Document> read = reactor.get("doc-1", null, ReadOptions.after(token));
    CompletableFuture<JobInfo> job = reactor.awaitJob(created.id(), Duration.ofSeconds(5));
    // Prove the read is really waiting: a marker read without token on another document answers first.
    assertThatThrownBy(() -> get(reactor.get("other", null, ReadOptions.NONE)))
        .isInstanceOf(DocumentNotFoundException.class);
    assertThat(read).isNotDone();
    assertThat(job).isNotDone();

    view.release();
    assertThat(get(read).id()).isEqualTo("doc-1");
    assertThat(get(job).status()).isEqualTo(JobStatus.READ_READY);
  }

  @Test
  void tokensOfSeveralJobs_mergeIntoOneRead() {
    heldReactor(null);
    view.hold();
    ConsistencyToken merged = ConsistencyToken.empty();
    for (String id : List.of("a", "b", "c")) {
      merged = merged.merge(writeReady(reactor.create(CreateDocument.of(JSON, id))));
    }
    assertThat(merged.coordinates()).hasSize(3);

    CompletableFuture<Page<Document>> found =
        reactor.find(FindRequest.byIds(List.of("a", "b", "c")), null, null, ReadOptions.after(merged));
    assertThat(found).isNotDone();
    view.release();
    assertThat(get(found).items()).extracting(Document::id).containsExactly("a", "b", "c");
  }

  @Test
  void findByType_withAToken_waitsToo() {
    heldReactor(null);
    view.hold();
    ConsistencyToken token = writeReady(reactor.create(CreateDocument.of(JSON, "t-1")));
    CompletableFuture<Page<Document>> found = reactor.find(FindRequest.byType(JSON), null, null,
        ReadOptions.after(token));
    assertThat(found).isNotDone();
    view.release();
    assertThat(get(found).items()).extracting(Document::id).contains("t-1");
  }

  @Test
  void aReadThatWaitsTooLong_failsWithATypedTimeout() {
    ManualScheduler scheduler = new ManualScheduler();
    heldReactor(scheduler);
    view.hold();
    ConsistencyToken token = writeReady(reactor.create(CreateDocument.of(JSON, "slow")));

    CompletableFuture<Document> read = reactor.get("slow", null, ReadOptions.after(token, Duration.ofSeconds(2)));
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(read).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> get(read))
        .isInstanceOf(ConsistencyTimeoutException.class)
        .hasMessageContaining("document-view");
    view.release();
  }

  @Test
  void aReadWithoutTimeout_usesTheReactorDefault() {
    ManualScheduler scheduler = new ManualScheduler();
    heldReactor(scheduler);
    view.hold();
    ConsistencyToken token = writeReady(reactor.create(CreateDocument.of(JSON, "slow")));

    CompletableFuture<Document> read = reactor.get("slow", null, ReadOptions.after(token));
    scheduler.advance(reactor.defaultReadTimeout());
    assertThatThrownBy(() -> get(read)).isInstanceOf(ConsistencyTimeoutException.class);
    view.release();
  }

  // ---- relationships

  @Test
  void edgesAreQueryableWithTheToken() {
    reactor();
    createJson("parent");
    JobInfo added = await(reactor, reactor.addRelationship("parent", "child-1", "child",
        Json.object().put("order", 1)));
    ConsistencyToken token = added.consistencyToken().orElseThrow();

    Page<Relationship> out = get(reactor.relationships("parent", Direction.OUTGOING, null, null,
        ReadOptions.after(token)));
    assertThat(out.items()).singleElement().satisfies(edge -> {
      assertThat(edge.targetId()).isEqualTo("child-1");
      assertThat(edge.metadata()).isEqualTo(Json.object().put("order", 1));
    });
    assertThat(get(reactor.relationships("child-1", Direction.INCOMING, Set.of("child"), null,
        ReadOptions.after(token))).items()).extracting(Relationship::sourceId).containsExactly("parent");

    JobInfo updated = await(reactor, reactor.updateRelationship("parent", "child-1", "child",
        Json.object().put("order", 2)));
    assertThat(get(reactor.relationships("parent", Direction.OUTGOING, null, null,
        ReadOptions.after(updated.consistencyToken().orElseThrow()))).items().get(0).metadata())
        .isEqualTo(Json.object().put("order", 2));

    JobInfo removed = await(reactor, reactor.removeRelationship("parent", "child-1", "child"));
    assertThat(get(reactor.relationships("parent", Direction.OUTGOING, null, null,
        ReadOptions.after(removed.consistencyToken().orElseThrow()))).items()).isEmpty();
  }

  @Test
  void aRelationshipOnAMissingSource_fails() {
    reactor();
    JobInfo done = await(reactor, reactor.addRelationship("ghost", "x", "child", null));
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.error().type()).isEqualTo("DocumentNotFoundException");
  }

  @Test
  void findByParent_pagesTheChildEdgesOnce_andFiltersByType() {
    reactor();
    createJson("parent");
    ConsistencyToken token = ConsistencyToken.empty();
    for (String child : List.of("c1", "c2", "c3")) {
      createJson(child);
      token = token.merge(await(reactor, reactor.addRelationship("parent", child, "child", null))
          .consistencyToken().orElseThrow());
    }
    await(reactor, reactor.addRelationship("parent", "c-other", "reference", null));
    ReadOptions read = ReadOptions.after(token);

    Page<Document> first = get(reactor.find(FindRequest.byParent("parent"), null, PageRequest.first(2), read));
    assertThat(first.items()).extracting(Document::id).containsExactly("c1", "c2");
    assertThat(first.nextCursor()).isPresent();
    Page<Document> second = get(reactor.find(FindRequest.byParent("parent"), null,
        new PageRequest(first.nextCursor().get(), 2), read));
    assertThat(second.items()).extracting(Document::id).containsExactly("c3");
    assertThat(second.nextCursor()).isEmpty();

    assertThat(get(reactor.find(new FindRequest("quire/drive", "parent", null, null), null, null, read)).items())
        .isEmpty();
  }

  @Test
  void cascadeDelete_removesOrphanedDescendants_andKeepsThoseWithAnotherLiveParent() {
    reactor();
    for (String id : List.of("root", "a", "b", "grandchild", "shared", "other-parent", "outside-parent")) {
      createJson(id);
    }
    for (String[] edge : new String[][] {
        {"root", "a"}, {"root", "b"}, {"a", "grandchild"}, {"root", "shared"}, {"other-parent", "shared"},
        {"outside-parent", "root"}}) {
      await(reactor, reactor.addRelationship(edge[0], edge[1], "child", null));
    }
    await(reactor, reactor.addRelationship("b", "shared", "reference", null));

    JobInfo deleted = await(reactor, reactor.delete("root", true));
    assertThat(deleted.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(reactor.drain()).succeedsWithin(Duration.ofSeconds(5));

    List<Boolean> live = get(reactor.documentView().exists(
        List.of("root", "a", "b", "grandchild", "shared", "other-parent", "outside-parent"), ReadOptions.NONE));
    assertThat(live).containsExactly(false, false, false, false, true, true, true);
    assertThat(get(reactor.relationships("outside-parent", Direction.OUTGOING, null, null, ReadOptions.NONE))
        .items()).as("the live parent's edge to the deleted root is removed").isEmpty();
    assertThat(get(reactor.relationships("shared", Direction.INCOMING, null, null, ReadOptions.NONE)).items())
        .extracting(Relationship::sourceId).containsExactly("other-parent");
  }

  // ---- batches

  @Test
  void dependenciesOrderJobsAcrossDocuments() {
    reactor();
    createJson("x");
    createJson("y");
    List<JobInfo> jobs = reactor.executeBatch(List.of(
        BatchJob.of("second", "y", List.of(set("/step", 2)), "first"),
        BatchJob.of("first", "x", List.of(set("/step", 1))),
        BatchJob.of("third", "x", List.of(set("/step", 3)), "second")));
    assertThat(jobs).extracting(JobInfo::documentId).containsExactly("y", "x", "x");
    List<JobInfo> done = jobs.stream().map(job -> await(reactor, job)).toList();
    assertThat(done).extracting(JobInfo::status).containsOnly(JobStatus.READ_READY);

    long first = ordinal("x", 0);
    long second = ordinal("y", 0);
    long third = ordinal("x", 1);
    assertThat(first).isLessThan(second);
    assertThat(second).isLessThan(third);
  }

  private long ordinal(String documentId, long index) {
    return reactor.operationStore().getSinceOrdinal(0, 10_000).stream()
        .filter(op -> op.documentId().equals(documentId) && op.scope().equals(Scopes.GLOBAL)
            && op.operation().index() == index)
        .mapToLong(OperationWithContext::ordinal).findFirst().orElseThrow();
  }

  @Test
  void invalidBatches_areRefusedWhole() {
    reactor();
    assertThatThrownBy(() -> reactor.executeBatch(List.of(
        BatchJob.of("a", "x", List.of(set("/a", 1)), "b"),
        BatchJob.of("b", "y", List.of(set("/a", 1)), "a"))))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("cycle");
    assertThatThrownBy(() -> reactor.executeBatch(List.of(BatchJob.of("a", "x", List.of(set("/a", 1)), "a"))))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("cycle");
    assertThatThrownBy(() -> reactor.executeBatch(List.of(BatchJob.of("a", "x", List.of(set("/a", 1)), "zzz"))))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("non-existent key: zzz");
    assertThatThrownBy(() -> reactor.executeBatch(List.of(
        BatchJob.of("a", "x", List.of(set("/a", 1))), BatchJob.of("a", "y", List.of(set("/a", 1))))))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("Duplicate plan key: a");
    assertThatThrownBy(() -> reactor.executeBatch(List.of(BatchJob.of("a", "x", List.of()))))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("empty actions");
    assertThat(reactor.jobs().size()).isZero();
  }

  // ---- finds

  @Test
  void findByType_pagesEveryDocumentOnce() {
    reactor();
    ConsistencyToken token = ConsistencyToken.empty();
    for (int i = 0; i < 5; i++) {
      token = token.merge(await(reactor, reactor.create(CreateDocument.of(JSON, "typed-" + i)))
          .consistencyToken().orElseThrow());
    }
    await(reactor, reactor.create(CreateDocument.of("quire/drive", "a-drive")));

    List<String> seen = new ArrayList<>();
    PageRequest page = PageRequest.first(2);
    for (int pages = 1; ; pages++) {
      Page<Document> found = get(reactor.find(FindRequest.byType(JSON), null, page, ReadOptions.after(token)));
      assertThat(found.items()).hasSizeLessThanOrEqualTo(2);
      found.items().forEach(doc -> seen.add(doc.id()));
      if (found.nextCursor().isEmpty()) {
        assertThat(pages).isBetween(3, 4);
        break;
      }
      page = new PageRequest(found.nextCursor().get(), 2);
    }
    assertThat(seen).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("typed-0", "typed-1", "typed-2", "typed-3", "typed-4");
  }

  @Test
  void findBySlugsAndIds_answersTheLiveMatches() {
    reactor();
    ConsistencyToken token = ConsistencyToken.empty();
    for (String id : List.of("s1", "s2", "s3")) {
      token = token.merge(await(reactor, reactor.create(new CreateDocument(JSON, id, "slug-" + id, null, null, null)))
          .consistencyToken().orElseThrow());
    }
    token = token.merge(await(reactor, reactor.delete("s3", false)).consistencyToken().orElseThrow());
    ReadOptions read = ReadOptions.after(token);

    assertThat(get(reactor.find(FindRequest.bySlugs(List.of("slug-s1", "slug-s3", "slug-none")), null, null, read))
        .items()).extracting(Document::id).containsExactly("s1");
    Page<Document> first = get(reactor.find(FindRequest.byIds(List.of("s2", "s1")), null, PageRequest.first(1), read));
    assertThat(first.items()).hasSize(1);
    assertThat(first.nextCursor()).isPresent();
    Page<Document> second = get(reactor.find(FindRequest.byIds(List.of("s2", "s1")), null,
        new PageRequest(first.nextCursor().get(), 1), read));
    assertThat(List.of(first.items().get(0).id(), second.items().get(0).id())).containsExactlyInAnyOrder("s1", "s2");
    assertThat(second.nextCursor()).isEmpty();
  }

  /**
   * A paused pre-ready read model holds jobs at WRITE_READY and makes reads gated on it wait; read
   * models run in parallel, so the view answers the same token meanwhile.
   */
  @Test
  void aPausedExtraReadModel_holdsTheJobAtWriteReady_andItsTokenReadWaits() {
    HeldReadModel held = new HeldReadModel();
    reactor = builder(null, UnaryOperator.identity()).readModel(held).build();
    held.hold();
    CompletableFuture<ConsistencyToken> writeReady = new CompletableFuture<>();
    reactor.events().subscribe(QuireEvents.OPERATION_WRITTEN, event -> writeReady.complete(ConsistencyToken.of(
        Instant.now(), event.operations().stream().map(OperationWithContext::coordinate).toList())));
    JobInfo created = reactor.create(CreateDocument.of(JSON, "paused"));
    ConsistencyToken token = get(writeReady);

    CompletableFuture<JobInfo> job = reactor.awaitJob(created.id(), Duration.ofSeconds(10));
    CompletableFuture<Void> heldRead = ReadGate.await(held.tracker(),
        ReadOptions.after(token, Duration.ofSeconds(10)), Duration.ofSeconds(10));
    // The view is not paused: a read with the token there answers while the held model waits.
    assertThat(get(reactor.get("paused", null, ReadOptions.after(token))).id()).isEqualTo("paused");
    assertThat(job).isNotDone();
    assertThat(heldRead).isNotDone();
    assertThat(reactor.job(created.id()).orElseThrow().status()).isEqualTo(JobStatus.WRITE_READY);

    held.release();
    assertThat(get(job).status()).isEqualTo(JobStatus.READ_READY);
    get(heldRead);
  }

  /** A read model that indexes nothing but its tracker, and waits while held. */
  static final class HeldReadModel implements ReadModel {
    private final ConsistencyTracker tracker = new ConsistencyTracker("held");
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    void hold() {
      gate = new CompletableFuture<>();
    }

    void release() {
      gate.complete(null);
    }

    @Override
    public String name() {
      return "held";
    }

    @Override
    public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
      return gate.thenRun(() -> tracker.update(operations.stream().map(OperationWithContext::coordinate).toList()));
    }

    @Override
    public ConsistencyTracker tracker() {
      return tracker;
    }
  }

  /** A read model that fails until told otherwise. */
  static final class FlakyReadModel implements ReadModel {
    final AtomicBoolean failing = new AtomicBoolean(true);
    private final ConsistencyTracker tracker = new ConsistencyTracker("flaky");

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public CompletionStage<Void> indexOperations(List<OperationWithContext> operations) {
      if (failing.get()) {
        return CompletableFuture.failedFuture(new IllegalStateException("flaky read model is down"));
      }
      tracker.update(operations.stream().map(OperationWithContext::coordinate).toList());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public ConsistencyTracker tracker() {
      return tracker;
    }
  }

  @Test
  void aParkedReadModel_endsTheJobReadFailed_andAnAdminRetryMakesItReadReady() {
    FlakyReadModel flaky = new FlakyReadModel();
    reactor = builder(null, UnaryOperator.identity()).readModel(flaky).retryPolicy(RetryPolicy.none()).build();
    JobInfo created = await(reactor, reactor.create(CreateDocument.of(JSON, "doc")));

    assertThat(created.status()).isEqualTo(JobStatus.READ_FAILED);
    assertThat(created.error().message()).contains("flaky", "flaky read model is down");
    assertThat(created.consistencyToken()).isPresent();

    flaky.failing.set(false);
    CompletableFuture<JobInfo> readReady = new CompletableFuture<>();
    reactor.events().subscribe(QuireEvents.OPERATIONS_READY, event -> {
      if (event.jobId().equals(created.id())) {
        readReady.complete(reactor.job(created.id()).orElseThrow());
      }
    });
    assertThat(reactor.coordinator().retry("flaky", created.consistencyToken().orElseThrow().coordinates().get(0).key()))
        .isTrue();
    assertThat(get(readReady).status()).isEqualTo(JobStatus.READ_READY);
  }

  // ---- client

  @Test
  void execute_returnsTheDocumentWithTheWrite() {
    reactor();
    ReactorClient client = new ReactorClient(reactor);
    Document created = client.create(CreateDocument.of(JSON, "doc"));
    assertThat(created.id()).isEqualTo("doc");
    Document updated = client.execute("doc", "main", List.of(set("/n", 42)));
    assertThat(global(updated).get("n").asInt()).isEqualTo(42);
    Document parent = client.addRelationship("doc", "kid", SystemActions.CHILD_RELATIONSHIP, null);
    assertThat(parent.id()).isEqualTo("doc");
  }

  @Test
  void aFailedJob_surfacesAsJobFailedException() {
    reactor();
    ReactorClient client = new ReactorClient(reactor);
    assertThatThrownBy(() -> client.execute("ghost", "main", List.of(set("/n", 1))))
        .isInstanceOf(dev.quire.job.JobFailedException.class)
        .hasMessageContaining("DocumentNotFoundException")
        .satisfies(e -> assertThat(((dev.quire.job.JobFailedException) e).status()).isEqualTo(JobStatus.FAILED));
  }

  @Test
  void asyncTwins_completeWithoutBlocking() throws Exception {
    reactor();
    ReactorClient client = new ReactorClient(reactor);
    CompletableFuture<Document> created = client.createAsync(CreateDocument.of(JSON, "doc"));
    assertThat(created.get(5, TimeUnit.SECONDS).id()).isEqualTo("doc");
    assertThat(client.deleteAsync("doc", false).get(5, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.READ_READY);
  }
}
