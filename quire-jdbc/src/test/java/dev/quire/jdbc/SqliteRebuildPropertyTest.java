package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyTracker;
import dev.quire.model.Document;
import dev.quire.model.DocumentNotFoundException;
import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.ReadOptions;
import dev.quire.readmodel.fixture.CounterModel;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import dev.quire.view.DocumentView;
import dev.quire.view.ViewFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A rebuild (document order, slugs settled afterwards) gives the rows that indexing the same
 * history live, in ordinal order, gave: for random histories of creates with contended slugs,
 * deletes and increments over a few documents, replayed in pages of a random size.
 */
class SqliteRebuildPropertyTest {

  private static final long WAIT_SECONDS = 30;
  private static final List<String> DOCUMENTS = List.of("doc-0", "doc-1", "doc-2", "doc-3", "doc-4");
  private static final List<String> SLUGS = List.of("s", "t");

  /** One step of a history; steps that make no sense at that point (a second create, say) are skipped. */
  record Step(int document, int kind, int slug) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step = Combinators.combine(
        Arbitraries.integers().between(0, DOCUMENTS.size() - 1),
        Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, SLUGS.size()))
        .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 30)
  void a_rebuild_gives_the_rows_live_indexing_gave(
      @ForAll("histories") List<Step> history, @ForAll("pageSizes") int pageSize) throws Exception {
    Path dir = Files.createTempDirectory("quire-rebuild-property");
    try (Resources resources = new Resources()) {
      QuireDatabase database = resources.add(QuireDatabase.open(Databases.sqliteUrl(dir)));
      JdbcOperationStore store = resources.add(new JdbcOperationStore(database));
      JdbcDocumentView view = resources.add(new JdbcDocumentView(database, store, CounterModel.registry(),
          new ConsistencyTracker(DocumentView.NAME)));
      view.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
      replayLive(history, store, view);
      Map<String, String> live = rows(view);

      view.engine().replayPage(pageSize);
      view.rebuild().get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(rows(view)).isEqualTo(live);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(SqliteRebuildPropertyTest::deleteQuietly);
      }
    }
  }

  @Provide
  Arbitrary<Integer> pageSizes() {
    return Arbitraries.integers().between(1, 8);
  }

  private static void replayLive(List<Step> history, JdbcOperationStore store, JdbcDocumentView view)
      throws Exception {
    OperationFixtures ops = new OperationFixtures();
    Map<String, long[]> state = new LinkedHashMap<>(); // per document: next document index, next global index, deleted
    for (Step step : history) {
      String doc = DOCUMENTS.get(step.document());
      long[] s = state.get(doc);
      OperationWithContext op;
      if (s == null) {
        String slug = step.slug() == SLUGS.size() ? null : SLUGS.get(step.slug());
        op = ops.create(doc, slug);
        state.put(doc, new long[] {1, 0, 0});
      } else if (s[2] == 1) {
        continue;
      } else if (step.kind() == 0) {
        op = ops.delete(doc, s[0]++);
        s[2] = 1;
      } else {
        op = ops.increment(doc, s[1], 1, s[1] + 1);
        s[1]++;
      }
      StreamAppend append = new StreamAppend(op.key(), op.documentType(), op.operation().index(), List.of(op.operation()));
      OperationWithContext stored =
          store.append(new WriteBatch("job", List.of(append))).get(0).withResultingState(op.resultingState());
      view.indexOperations(List.of(stored)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Every document as the view serves it (header and state, as text) and every slug's holder. */
  private static Map<String, String> rows(JdbcDocumentView view) throws Exception {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String doc : DOCUMENTS) {
      try {
        Document document = view.get(doc, ViewFilter.MAIN, ReadOptions.NONE).get(WAIT_SECONDS, TimeUnit.SECONDS);
        rows.put(doc, document.header() + " " + document.state());
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(DocumentNotFoundException.class);
        rows.put(doc, "absent");
      }
    }
    for (String slug : SLUGS) {
      try {
        rows.put("slug " + slug, view.getBySlug(slug, ViewFilter.MAIN, ReadOptions.NONE)
            .get(WAIT_SECONDS, TimeUnit.SECONDS).id());
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(DocumentNotFoundException.class);
        rows.put("slug " + slug, "none");
      }
    }
    return rows;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }
}
