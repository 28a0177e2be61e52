package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.OperationWithContext;
import dev.quire.readmodel.fixture.OperationFixtures;
import dev.quire.store.RevisionMismatchException;
import dev.quire.store.StreamAppend;
import dev.quire.store.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sole writer's remembered stream heads ({@link StreamHeads}) against a second writer it does
 * not expect: two stores on one database, each remembering what it committed. A remembered head may
 * accept an append, never refuse one wrongly: revision checks stay those of the database.
 */
class RememberedHeadsTest {

  @TempDir Path dir;
  private final Resources resources = new Resources();
  private final OperationFixtures ops = new OperationFixtures();
  private JdbcOperationStore first;
  private JdbcOperationStore second;

  @BeforeEach
  void open() {
    QuireDatabase database = resources.add(QuireDatabase.open(Databases.sqliteUrl(dir)));
    assertThat(database.soleWriter()).isTrue();
    first = resources.add(new JdbcOperationStore(database));
    second = resources.add(new JdbcOperationStore(database));
  }

  @AfterEach
  void close() {
    resources.close();
  }

  private static List<OperationWithContext> append(JdbcOperationStore store, OperationWithContext op, long expected) {
    StreamAppend append = new StreamAppend(op.key(), op.documentType(), expected, List.of(op.operation()));
    return store.append(new WriteBatch("job", List.of(append)));
  }

  @Test
  void anAppendTheOtherWriterMadeRight_isAcceptedDespiteAnOldRememberedHead() {
    append(first, ops.create("doc-1", null), 0);
    append(first, ops.increment("doc-1", 0, 1, 1), 0); // first remembers the global head: 1
    append(second, ops.increment("doc-1", 1, 1, 2), 1); // the head moves to 2 behind first's back

    List<OperationWithContext> written = append(first, ops.increment("doc-1", 2, 1, 3), 2);

    assertThat(written).singleElement().satisfies(op -> assertThat(op.operation().index()).isEqualTo(2));
  }

  @Test
  void anAppendAtTheOldRememberedHead_isRefusedWithTheDatabasesHead() {
    append(first, ops.create("doc-1", null), 0);
    append(first, ops.increment("doc-1", 0, 1, 1), 0); // first remembers 1
    append(second, ops.increment("doc-1", 1, 1, 2), 1); // the database's head is 2

    // Expected 1 matches first's remembered head, so first plans the insert; the unique key refuses
    // it, and the check against the database names the real head.
    assertThatThrownBy(() -> append(first, ops.increment("doc-1", 1, 5, 6), 1))
        .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.actual()).isEqualTo(2);
        });
    assertThat(append(first, ops.increment("doc-1", 2, 1, 3), 2)).hasSize(1);
  }

  @Test
  void headsStartOverPastTheirBound_andForgetOnDemand() {
    StreamHeads heads = new StreamHeads(true);
    OperationWithContext op = ops.increment("doc-1", 0, 1, 1);
    heads.remember(op.key(), 3);
    heads.remember(op.key(), 2);
    assertThat(heads.get(op.key())).as("never moves back").isEqualTo(3);
    heads.forget(op.key());
    assertThat(heads.get(op.key())).isNull();
    StreamHeads disabled = new StreamHeads(false);
    disabled.remember(op.key(), 3);
    assertThat(disabled.get(op.key())).isNull();
  }
}
