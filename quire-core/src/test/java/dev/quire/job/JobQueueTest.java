package dev.quire.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.ManualScheduler;
import dev.quire.model.Action;
import dev.quire.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JobQueueTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  /** Jobs handed to the dispatcher, in dispatch order; the test gives them back by hand. */
  private final List<Job> dispatched = new ArrayList<>();
  private final Set<String> finished = new HashSet<>();

  private JobQueue queue(int maxRunning) {
    return new JobQueue(maxRunning, dispatched::add, finished::contains, scheduler);
  }

  private static Job job(String id, String documentId, String... dependencies) {
    return new Job(id, JobKind.MUTATION, documentId, "main",
        List.of(Action.of("SET", "global", Json.object())), List.of(dependencies), null, Instant.EPOCH);
  }

  private List<String> dispatchedIds() {
    return dispatched.stream().map(Job::id).toList();
  }

  @Test
  void submit_runsAtOnceWhenTheDocumentIsIdle() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc"));
    assertThat(dispatchedIds()).containsExactly("a");
    assertThat(queue.running()).isEqualTo(1);
  }

  @Test
  void jobsOfOneDocument_runOneAtATimeInFifoOrder() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc"));
    queue.submit(job("b", "doc"));
    queue.submit(job("c", "doc"));
    assertThat(dispatchedIds()).containsExactly("a");

    queue.finished(dispatched.get(0));
    assertThat(dispatchedIds()).containsExactly("a", "b");
    queue.finished(dispatched.get(1));
    assertThat(dispatchedIds()).containsExactly("a", "b", "c");
    queue.finished(dispatched.get(2));
    assertThat(queue.size()).isZero();
  }

  @Test
  void jobsOfDifferentDocuments_runInParallel() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc-1"));
    queue.submit(job("b", "doc-2"));
    queue.submit(job("c", "doc-3"));
    assertThat(dispatchedIds()).containsExactly("a", "b", "c");
    assertThat(queue.running()).isEqualTo(3);
  }

  @Test
  void maxRunning_boundsParallelismAndServesDocumentsInArrivalOrder() {
    JobQueue queue = queue(2);
    queue.submit(job("a", "doc-1"));
    queue.submit(job("b", "doc-2"));
    queue.submit(job("c", "doc-3"));
    queue.submit(job("d", "doc-4"));
    assertThat(dispatchedIds()).containsExactly("a", "b");

    queue.finished(dispatched.get(1));
    assertThat(dispatchedIds()).containsExactly("a", "b", "c");
    queue.finished(dispatched.get(0));
    assertThat(dispatchedIds()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void aJob_waitsForItsDependencyOnAnotherDocument() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc-1"));
    queue.submit(job("b", "doc-2", "a"));
    assertThat(dispatchedIds()).containsExactly("a");

    queue.finished(dispatched.get(0));
    assertThat(dispatchedIds()).containsExactly("a", "b");
  }

  @Test
  void aBlockedHead_blocksOnlyItsOwnDocument() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc-1"));
    queue.submit(job("b", "doc-2", "a"));
    queue.submit(job("c", "doc-2"));
    queue.submit(job("d", "doc-3"));
    // c waits behind b (head-of-line on doc-2); doc-3 is unaffected.
    assertThat(dispatchedIds()).containsExactly("a", "d");

    queue.finished(dispatched.get(0));
    assertThat(dispatchedIds()).containsExactly("a", "d", "b");
    queue.finished(dispatched.get(2));
    assertThat(dispatchedIds()).containsExactly("a", "d", "b", "c");
  }

  @Test
  void multipleDependencies_allMustFinish() {
    JobQueue queue = queue(4);
    queue.submitAll(List.of(job("a", "doc-1"), job("b", "doc-2"), job("c", "doc-3", "a", "b")));
    assertThat(dispatchedIds()).containsExactly("a", "b");

    queue.finished(dispatched.get(0));
    assertThat(dispatchedIds()).containsExactly("a", "b");
    queue.finished(dispatched.get(1));
    assertThat(dispatchedIds()).containsExactly("a", "b", "c");
  }

  @Test
  void aFailedDependency_stillReleasesItsDependents() {
    // The queue does not know success from failure: "finished" is what releases dependents.
    JobQueue queue = queue(4);
    queue.submitAll(List.of(job("a", "doc-1"), job("b", "doc-2", "a")));
    queue.finished(dispatched.get(0)); // the runner gives a failed job back the same way
    assertThat(dispatchedIds()).containsExactly("a", "b");
  }

  @Test
  void dependencyOnAFinishedJob_isAlreadyMet() {
    finished.add("old");
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc-1", "old"));
    assertThat(dispatchedIds()).containsExactly("a");
  }

  @Test
  void submit_rejectsUnknownSelfAndForwardDependencies_andQueuesNothing() {
    JobQueue queue = queue(4);
    assertThatThrownBy(() -> queue.submit(job("a", "doc", "nope")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("unknown job nope");
    assertThatThrownBy(() -> queue.submit(job("a", "doc", "a")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("depends on itself");
    // b depends on c, which comes later in the list: a cycle could only be built this way.
    assertThatThrownBy(() -> queue.submitAll(List.of(job("x", "doc-1"), job("b", "doc-2", "c"), job("c", "doc-3", "b"))))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("submitted after it");
    assertThat(queue.size()).isZero();
    assertThat(dispatched).isEmpty();
  }

  @Test
  void submit_rejectsADuplicateId() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc-1"));
    assertThatThrownBy(() -> queue.submit(job("a", "doc-2"))).isInstanceOf(InvalidJobException.class);
  }

  @Test
  void retry_requeuesAtTheHeadAfterTheBackoff_keepingFifo() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc"));
    queue.submit(job("b", "doc"));
    queue.submit(job("c", "other"));
    assertThat(dispatchedIds()).containsExactly("a", "c");

    queue.retry(dispatched.get(0), Duration.ofMillis(100));
    // During the backoff the document stays busy: b must not overtake a.
    assertThat(dispatchedIds()).containsExactly("a", "c");
    assertThat(queue.running()).isEqualTo(1);

    scheduler.advance(Duration.ofMillis(99));
    assertThat(dispatchedIds()).containsExactly("a", "c");
    scheduler.advance(Duration.ofMillis(1));
    assertThat(dispatchedIds()).containsExactly("a", "c", "a");

    queue.finished(dispatched.get(2));
    assertThat(dispatchedIds()).containsExactly("a", "c", "a", "b");
  }

  @Test
  void retry_freesTheWorkerSlotDuringTheBackoff() {
    JobQueue queue = queue(1);
    queue.submit(job("a", "doc-1"));
    queue.submit(job("b", "doc-2"));
    assertThat(dispatchedIds()).containsExactly("a");

    queue.retry(dispatched.get(0), Duration.ofSeconds(1));
    assertThat(dispatchedIds()).containsExactly("a", "b");
  }

  @Test
  void drain_completesWhenTheLastJobFinishes() {
    JobQueue queue = queue(4);
    assertThat(queue.drain()).isDone();
    queue.submit(job("a", "doc"));
    queue.submit(job("b", "doc"));
    CompletableFuture<Void> drained = queue.drain();
    queue.finished(dispatched.get(0));
    assertThat(drained).isNotDone();
    queue.finished(dispatched.get(1));
    assertThat(drained).isDone();
  }

  @Test
  void close_refusesNewJobsButFinishesQueuedOnes() {
    JobQueue queue = queue(4);
    queue.submit(job("a", "doc"));
    CompletableFuture<Void> closed = queue.close();
    assertThatThrownBy(() -> queue.submit(job("b", "doc"))).isInstanceOf(IllegalStateException.class);
    queue.finished(dispatched.get(0));
    assertThat(closed).isDone();
  }

  /**
   * Real threads: 4 workers, 50 documents, 2,000 jobs. No two jobs of a document overlap, each
   * document sees its jobs in submission order, and every job runs once.
   */
  @Test
  @Timeout(20)
  void underConcurrency_documentsStaySerialAndFifo() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(4);
    try {
      int documents = 50;
      int jobs = 2_000;
      AtomicInteger[] active = new AtomicInteger[documents];
      List<ConcurrentLinkedQueue<Integer>> order = new ArrayList<>();
      for (int d = 0; d < documents; d++) {
        active[d] = new AtomicInteger();
        order.add(new ConcurrentLinkedQueue<>());
      }
      AtomicReference<String> violation = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(jobs);
      AtomicReference<JobQueue> ref = new AtomicReference<>();
      JobQueue queue = new JobQueue(4, job -> workers.execute(() -> {
        int d = Integer.parseInt(job.documentId());
        if (active[d].incrementAndGet() != 1) {
          violation.compareAndSet(null, "two jobs of document " + d + " overlapped");
        }
        order.get(d).add(Integer.parseInt(job.id()));
        active[d].decrementAndGet();
        ref.get().finished(job);
        done.countDown();
      }), id -> false, scheduler);
      ref.set(queue);
      ExecutorService submitters = Executors.newFixedThreadPool(2);
      // Each submitter owns half of the documents, so per-document submission order is known.
      for (int s = 0; s < 2; s++) {
        int submitter = s;
        submitters.execute(() -> {
          for (int i = submitter; i < jobs; i += 2) {
            int d = (i / 2) % (documents / 2) * 2 + submitter;
            queue.submit(job(Integer.toString(i), Integer.toString(d)));
          }
        });
      }
      submitters.shutdown();
      assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
      assertThat(violation.get()).isNull();
      for (ConcurrentLinkedQueue<Integer> seen : order) {
        assertThat(new ArrayList<>(seen)).isSorted();
      }
      assertThat(order.stream().mapToInt(ConcurrentLinkedQueue::size).sum()).isEqualTo(jobs);
      assertThat(queue.drain()).isDone();
    } finally {
      workers.shutdownNow();
    }
  }
}
