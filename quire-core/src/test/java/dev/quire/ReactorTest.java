package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.concurrent.Scheduler;
import dev.quire.consistency.ConsistencyTracker;
import dev.quire.index.DocumentIndexer;
import dev.quire.index.InMemoryDocumentIndexer;
import dev.quire.job.JobInfo;
import dev.quire.model.DocumentModelRegistry;
import dev.quire.model.builtin.JsonDocumentModel;
import dev.quire.store.InMemoryOperationStore;
import dev.quire.view.DocumentView;
import dev.quire.view.InMemoryDocumentView;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reactor conformance suite in memory, plus the builder's own rules. */
class ReactorTest extends ReactorConformance {

  @Override
  protected Storage openStorage(Scheduler scheduler) {
    return new Storage(
        new InMemoryOperationStore(),
        new InMemoryDocumentView(DocumentModelRegistry.discovered(), new ConsistencyTracker(DocumentView.NAME, scheduler)),
        new InMemoryDocumentIndexer(new ConsistencyTracker(DocumentIndexer.NAME, scheduler)),
        null);
  }

  @Test
  void builder_rejectsASettingGivenTwice() {
    ReactorBuilder builder = Reactor.builder().jobParallelism(8);
    assertThatThrownBy(() -> builder.jobParallelism(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jobParallelism was already set to 8");
    assertThatThrownBy(() -> Reactor.builder().jobParallelism(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_registersExplicitModelsBesideTheDiscoveredOnes() {
    try (Reactor reactor = Reactor.builder().documentModel(new JsonDocumentModel()).build()) {
      assertThat(reactor.models().types()).contains("quire/json", "quire/drive");
    }
  }

  @Test
  void jobRetention_bounds_theFinishedJobsTheReactorStillReports() {
    try (Reactor reactor = Reactor.builder().jobRetention(1, Duration.ofHours(1)).build()) {
      JobInfo first = ReactorTestSupport.await(reactor, reactor.create(CreateDocument.of("quire/json", "doc-1")));
      JobInfo second = ReactorTestSupport.await(reactor, reactor.create(CreateDocument.of("quire/json", "doc-2")));

      assertThat(reactor.job(first.id())).as("the older finished job is forgotten").isEmpty();
      assertThat(reactor.job(second.id())).isPresent();
    }
  }

  @Test
  void jobRetention_refusesNothingToKeep_andASecondSetting() {
    assertThatThrownBy(() -> Reactor.builder().jobRetention(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reactor.builder().jobRetention(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    ReactorBuilder builder = Reactor.builder().jobRetention(10, Duration.ofMinutes(1));
    assertThatThrownBy(() -> builder.jobRetention(20, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jobRetention was already set to 10");
  }
}
