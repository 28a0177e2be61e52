package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Processes on one PostgreSQL schema: any number shared, or one exclusive (its view remembers rows). */
class PostgresOwnershipTest {

  @RegisterExtension static final PostgresAvailable postgres = new PostgresAvailable();

  private static final DatabaseConfig EXCLUSIVE = DatabaseConfig.DEFAULTS.withExclusive(true);

  @Test
  void shared_processes_coexist_and_keep_an_exclusive_one_out_until_they_close() {
    try (QuireDatabase first = QuireDatabase.open(postgres.url());
        QuireDatabase second = QuireDatabase.open(postgres.url())) {
      assertThat(first.soleWriter()).isFalse();
      assertThat(second.soleWriter()).isFalse();
      assertThatThrownBy(() -> QuireDatabase.open(postgres.url(), EXCLUSIVE))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("in use by another Quire process")
          .hasMessageContaining(postgres.schema());
    }
    try (QuireDatabase alone = QuireDatabase.open(postgres.url(), EXCLUSIVE)) {
      assertThat(alone.soleWriter()).isTrue();
    }
  }

  @Test
  void a_claim_whose_session_ends_is_reported_lost_and_the_process_stops_counting_on_it() throws Exception {
    try (QuireDatabase alone = QuireDatabase.open(postgres.url(), EXCLUSIVE)) {
      assertThat(alone.soleWriter()).isTrue();
      // What a proxy or idle_session_timeout would do to the session that holds the lock.
      try (Connection c = postgres.connection(); Statement s = c.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'quire-claim "
            + postgres.schema() + "'");
      }

      alone.claimLost().get(30, TimeUnit.SECONDS);

      assertThat(alone.soleWriter()).isFalse();
      try (QuireDatabase other = QuireDatabase.open(postgres.url())) {
        assertThat(other.soleWriter()).isFalse();
      }
    }
  }

  @Test
  void an_exclusive_process_keeps_every_other_one_out_until_it_closes() {
    try (QuireDatabase alone = QuireDatabase.open(postgres.url(), EXCLUSIVE)) {
      assertThatThrownBy(() -> QuireDatabase.open(postgres.url()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("held exclusively by another Quire process");
      assertThatThrownBy(() -> QuireDatabase.open(postgres.url(), EXCLUSIVE))
          .isInstanceOf(StorageException.class);
    }
    try (QuireDatabase shared = QuireDatabase.open(postgres.url())) {
      assertThat(shared.soleWriter()).isFalse();
    }
  }
}
