package dev.quire.job;

import static dev.quire.job.JobTestSupport.create;
import static dev.quire.job.JobTestSupport.job;
import static dev.quire.job.JobTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyCoordinate;
import dev.quire.consistency.StreamKey;
import dev.quire.event.EventBus;
import dev.quire.event.QuireEvents;
import dev.quire.model.Action;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.Json;
import dev.quire.model.Operation;
import dev.quire.model.OperationWithContext;
import dev.quire.model.Scopes;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.readmodel.RetryPolicy;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.store.OperationFilter;
import dev.quire.store.OperationStore;
import dev.quire.store.Page;
import dev.quire.store.PageRequest;
import dev.quire.store.RevisionMismatchException;
import dev.quire.store.WriteBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class JobRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final FlakyStore store = new FlakyStore();
  private final EventBus bus = new EventBus();
  private final JobTracker tracker = new JobTracker(scheduler);
  private final BlockingQueue<QuireEvents.JobFailed> failures = new LinkedBlockingQueue<>();
  private final BlockingQueue<QuireEvents.OperationWritten> written = new LinkedBlockingQueue<>();
  private JobRunner runner;

  private JobRunner runner(boolean virtualThreads) {
    tracker.listenTo(bus);
    // A stand-in coordinator: every written batch is "indexed" at once.
    bus.subscribe(QuireEvents.OPERATION_WRITTEN, event -> {
      written.add(event);
      bus.emit(QuireEvents.OPERATIONS_READY, new QuireEvents.OperationsReady(event.jobId(), event.operations()));
    });
    bus.subscribe(QuireEvents.JOB_FAILED, failures::add);
    RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), 2.0);
    runner = new JobRunner(new JobExecutor(store, DocumentModelRegistry.of(new JsonDocumentModel())), tracker, bus,
        scheduler, retry, 4, virtualThreads);
    return runner;
  }

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close(Duration.ofSeconds(1));
    }
  }

  private JobInfo await(JobInfo job) {
    // The awaiter's timers go to a scheduler of their own (never advanced), so `scheduler` records
    // only the runner's retries; orTimeout bounds the wait in real time.
    return new JobAwaiter(tracker, new dev.quire.concurrent.ManualScheduler()).awaitAsync(job.id(), WAIT)
        .orTimeout(5, TimeUnit.SECONDS).join();
  }

  @ParameterizedTest(name = "virtualThreads={0}")
  @ValueSource(booleans = {false, true})
  void aSuccessfulJob_goesWriteReadyWithItsTokenThenReadReady(boolean virtualThreads) throws Exception {
    JobRunner runner = runner(virtualThreads);
    JobInfo pending = runner.submit(job("doc", create("doc")));
    assertThat(pending.status()).isEqualTo(JobStatus.PENDING);
    assertThat(pending.consistencyToken()).isEmpty();

    JobInfo done = await(pending);
    assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.consistencyToken().orElseThrow().coordinates())
        .containsExactly(new ConsistencyCoordinate("doc", Scopes.DOCUMENT, "main", 0));
    QuireEvents.OperationWritten event = written.poll(5, TimeUnit.SECONDS);
    assertThat(event.jobId()).isEqualTo(pending.id());
    assertThat(event.operations()).extracting(OperationWithContext::resultingState).doesNotContainNull();
  }

  @Test
  void aJobWithoutOperations_goesStraightToReadReady() {
    JobRunner runner = runner(false);
    JobInfo done = await(runner.submit(new Job("empty", JobKind.MUTATION, "doc", "main", List.of(), List.of(), null,
        java.time.Instant.EPOCH)));
    assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(done.consistencyToken()).hasValueSatisfying(token -> assertThat(token.isEmpty()).isTrue());
    assertThat(written).isEmpty();
  }

  @Test
  void aReducerError_failsAtOnceWithoutRetry() throws Exception {
    JobRunner runner = runner(false);
    await(runner.submit(job("doc", create("doc"))));
    JobInfo done = await(runner.submit(job("doc", Action.of("NOPE", Scopes.GLOBAL, Json.object()))));

    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.error().type()).isEqualTo("InvalidActionException");
    assertThat(done.consistencyToken()).isEmpty();
    QuireEvents.JobFailed failed = failures.poll(5, TimeUnit.SECONDS);
    assertThat(failed.jobId()).isEqualTo(done.id());
    assertThat(failed.documentId()).isEqualTo("doc");
  }

  @Test
  void aMissingDocument_failsAtOnce() {
    JobInfo done = await(runner(false).submit(job("ghost", set("/a", 1))));
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.error().type()).isEqualTo("DocumentNotFoundException");
    assertThat(done.attempts()).isEqualTo(1);
  }

  @Test
  void aRevisionConflict_isRetriedAfterTheBackoff_andKeepsFifoWithinTheDocument() throws Exception {
    JobRunner runner = runner(false);
    await(runner.submit(job("doc", create("doc"))));

    store.failNextAppends(1);
    JobInfo first = runner.submit(job("doc", set("/a", 1)));
    assertThat(scheduler.nextScheduled()).isEqualTo(Duration.ofMillis(10));
    JobInfo second = runner.submit(job("doc", set("/a", 2)));
    assertThat(runner.queue().running()).as("the backing-off document lets nothing overtake").isZero();

    scheduler.advance(Duration.ofMillis(10));
    JobInfo firstDone = await(first);
    JobInfo secondDone = await(second);
    assertThat(firstDone.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(firstDone.attempts()).isEqualTo(2);
    assertThat(firstDone.errorHistory()).extracting(ErrorInfo::type).containsExactly("RevisionMismatchException");
    assertThat(secondDone.status()).isEqualTo(JobStatus.READ_READY);
    // First job first: /a ends at 2.
    List<Operation> global = store.getSince(StreamKey.of("doc", Scopes.GLOBAL, "main"), -1, OperationFilter.NONE,
        PageRequest.firstDefault()).items();
    assertThat(global).extracting(op -> op.action().input().get("value").asInt()).containsExactly(1, 2);
  }

  @Test
  void anAppendThatCommittedButLostItsAnswer_isRecognisedOnRetry_andNotAppliedTwice() throws Exception {
    JobRunner runner = runner(false);
    await(runner.submit(job("doc", create("doc"))));
    written.clear();

    store.loseNextAnswers(1);
    JobInfo job = runner.submit(job("doc", set("/a", 1), set("/b", 2)));
    assertThat(scheduler.nextScheduled()).isEqualTo(Duration.ofMillis(10));
    scheduler.advance(Duration.ofMillis(10));

    JobInfo done = await(job);
    assertThat(done.status()).isEqualTo(JobStatus.READ_READY);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.consistencyToken().orElseThrow().coordinates())
        .containsExactly(new ConsistencyCoordinate("doc", Scopes.GLOBAL, "main", 1),
            new ConsistencyCoordinate("doc", Scopes.DOCUMENT, "main", 0));
    List<Operation> global = store.getSince(StreamKey.of("doc", Scopes.GLOBAL, "main"), -1, OperationFilter.NONE,
        PageRequest.firstDefault()).items();
    assertThat(global).as("stored once, not re-applied on top of itself").extracting(Operation::index)
        .containsExactly(0L, 1L);
    QuireEvents.OperationWritten event = written.poll(5, TimeUnit.SECONDS);
    assertThat(event.jobId()).isEqualTo(job.id());
    assertThat(event.operations()).extracting(OperationWithContext::ordinal).doesNotContain(0L)
        .hasSize(2);
    assertThat(failures).isEmpty();
  }

  @Test
  void retries_backOffExponentially_andGiveUpAfterMaxAttempts() throws Exception {
    JobRunner runner = runner(false);
    await(runner.submit(job("doc", create("doc"))));

    store.failNextAppends(10);
    JobInfo job = runner.submit(job("doc", set("/a", 1)));
    assertThat(scheduler.nextScheduled()).isEqualTo(Duration.ofMillis(10));
    scheduler.advance(Duration.ofMillis(10));
    assertThat(scheduler.nextScheduled()).isEqualTo(Duration.ofMillis(20));
    scheduler.advance(Duration.ofMillis(20));

    JobInfo done = await(job);
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(done.errorHistory()).hasSize(3);
    assertThat(done.error().message()).startsWith("Job failed after 3 attempt(s)");
  }

  @Test
  void aFailedJob_releasesItsDependents() {
    JobRunner runner = runner(false);
    await(runner.submit(job("doc", create("doc"))));
    Job failing = job("ghost", set("/a", 1));
    Job dependent = new Job("dependent", JobKind.MUTATION, "doc", "main", List.of(set("/b", 1)),
        List.of(failing.id()), Map.of(), java.time.Instant.EPOCH);
    List<JobInfo> infos = runner.submitAll(List.of(failing, dependent));
    assertThat(await(infos.get(0)).status()).isEqualTo(JobStatus.FAILED);
    assertThat(await(infos.get(1)).status()).isEqualTo(JobStatus.READ_READY);
  }

  @Test
  void submit_withAnUnknownDependency_registersNothing() {
    JobRunner runner = runner(false);
    Job orphan = new Job("orphan", JobKind.MUTATION, "doc", "main", List.of(set("/b", 1)), List.of("nope"), Map.of(),
        java.time.Instant.EPOCH);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.submit(orphan))
        .isInstanceOf(InvalidJobException.class);
    assertThat(tracker.get("orphan")).isEmpty();
  }

  /** Delegates to an in-memory store; can be told to fail the next appends with a revision conflict. */
  static final class FlakyStore implements OperationStore {
    private final InMemoryOperationStore delegate = new InMemoryOperationStore();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger lostAnswers = new AtomicInteger();

    void failNextAppends(int count) {
      failures.set(count);
    }

    /** The next appends commit, then fail as a connection dropped during commit would. */
    void loseNextAnswers(int count) {
      lostAnswers.set(count);
    }

    @Override
    public List<OperationWithContext> append(WriteBatch batch) {
      if (lostAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        delegate.append(batch);
        throw new IllegalStateException("connection lost during commit (the batch is stored)");
      }
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        var append = batch.appends().get(0);
        throw new RevisionMismatchException(append.stream(), append.expectedRevision(), append.expectedRevision() + 1);
      }
      return delegate.append(batch);
    }

    @Override
    public Page<Operation> getSince(StreamKey stream, long afterIndex, OperationFilter filter, PageRequest page) {
      return delegate.getSince(stream, afterIndex, filter, page);
    }

    @Override
    public List<OperationWithContext> getSinceOrdinal(long afterOrdinal, int limit) {
      return delegate.getSinceOrdinal(afterOrdinal, limit);
    }

    @Override
    public Map<String, Long> getRevisions(String documentId, String branch) {
      return delegate.getRevisions(documentId, branch);
    }

    @Override
    public String documentType(String documentId) {
      return delegate.documentType(documentId);
    }

    @Override
    public long lastOrdinal() {
      return delegate.lastOrdinal();
    }
  }
}
