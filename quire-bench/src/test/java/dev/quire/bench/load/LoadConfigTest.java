package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadConfigTest {

  @Test
  void parse_memory() {
    assertThat(StorageSpec.parse("memory")).isEqualTo(StorageSpec.memory());
  }

  @Test
  void parse_sqliteWithAndWithoutFile() {
    assertThat(StorageSpec.parse("sqlite-full")).isEqualTo(new StorageSpec(StorageSpec.Kind.SQLITE, null, "FULL", false));
    assertThat(StorageSpec.parse("sqlite-normal:/tmp/q.db"))
        .isEqualTo(new StorageSpec(StorageSpec.Kind.SQLITE, "sqlite:/tmp/q.db", "NORMAL", false));
  }

  @Test
  void parse_postgresqlDefaultsToFullAndRedactsThePassword() {
    StorageSpec full = StorageSpec.parse("postgresql://localhost:5432/quire?user=q&password=secret");
    StorageSpec normal = StorageSpec.parse("postgresql-normal:postgresql://q:secret@localhost/quire");

    assertThat(full.durability()).isEqualTo("FULL");
    assertThat(full.redacted()).doesNotContain("secret").contains("password=***");
    assertThat(normal.durability()).isEqualTo("NORMAL");
    assertThat(normal.url()).isEqualTo("postgresql://q:secret@localhost/quire");
    assertThat(normal.redacted()).doesNotContain("secret");
    assertThat(normal.label()).isEqualTo("postgresql-normal");
    StorageSpec exclusive = StorageSpec.parse("postgresql-exclusive:postgresql://localhost/quire?user=q");
    assertThat(exclusive.exclusive()).isTrue();
    assertThat(exclusive.durability()).isEqualTo("FULL");
    assertThat(exclusive.url()).isEqualTo("postgresql://localhost/quire?user=q");
    assertThat(exclusive.label()).isEqualTo("postgresql-full-exclusive");
    assertThat(full.exclusive()).isFalse();
  }

  @Test
  void forRun_numbersAGivenSqliteFileAndLeavesFreshStorageAlone() {
    assertThat(StorageSpec.parse("sqlite-normal:/tmp/b.1/q.db").forRun(2).url()).isEqualTo("sqlite:/tmp/b.1/q-r2.db");
    assertThat(StorageSpec.parse("sqlite-full:/tmp/b.1/quire").forRun(3).url()).isEqualTo("sqlite:/tmp/b.1/quire-r3");
    assertThat(StorageSpec.parse("sqlite-full:q.db").forRun(1).durability()).isEqualTo("FULL");
    for (String fresh : new String[] {"memory", "sqlite-normal", "postgresql://localhost/quire?user=q"}) {
      assertThat(StorageSpec.parse(fresh).forRun(2)).as(fresh).isEqualTo(StorageSpec.parse(fresh));
    }
    assertThatThrownBy(() -> StorageSpec.memory().forRun(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_unknownNamesTheAcceptedForms() {
    assertThatThrownBy(() -> StorageSpec.parse("mysql://x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sqlite-normal");
  }

  @Test
  void plannedJobs_isDocumentsTimesActionsOverBatch() {
    assertThat(LoadConfig.countBounded(10, 20, 4).withBatchSize(5).plannedJobs()).isEqualTo(40);
  }

  @Test
  void openLoop_needsARate() {
    LoadConfig closed = LoadConfig.countBounded(10, 1, 1);
    assertThatThrownBy(() -> closed.withOpenLoop(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate");
  }

  @Test
  void timedRun_ignoresTheActionCount() {
    LoadConfig timed = new LoadConfig(10, 0, 1, StorageSpec.memory(), LoadConfig.Mode.CLOSED, 0, 1, Duration.ZERO,
        Duration.ofSeconds(1), null, null, false);
    assertThat(timed.plannedJobs()).isEqualTo(-1);
  }
}
