package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcDatabaseUrlTest {

  @Test
  void parse_sqliteShortForm_resolvesTheFileAbsolutely() {
    DatabaseUrl url = DatabaseUrl.parse("sqlite:./quire-data/quire.db");

    assertThat(url.dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(url.sqliteFile()).isEqualTo(Path.of("quire-data/quire.db").toAbsolutePath().normalize());
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:" + url.sqliteFile());
  }

  @Test
  void parse_sqliteJdbcForm_keepsParameters() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:sqlite:/tmp/q.db?foo=bar");

    assertThat(url.sqliteFile()).isEqualTo(Path.of("/tmp/q.db"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/q.db?foo=bar");
  }

  @Test
  void parse_sqliteInMemory_isRejected() {
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:sqlite::memory:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no file");
  }

  @Test
  void parse_postgresShortForm_becomesJdbc() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://db.local:5433/quire?user=app&currentSchema=q1");

    assertThat(url.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/quire?user=app&currentSchema=q1");
    assertThat(url.currentSchema()).isEqualTo("q1");
    assertThat(url.user()).isNull();
  }

  @Test
  void parse_postgresUserInfo_movesToCredentials() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://ana:s%40cret@localhost/test");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/test");
    assertThat(url.user()).isEqualTo("ana");
    assertThat(url.password()).isEqualTo("s@cret");
  }

  @Test
  void parse_postgresJdbcForm_isKept() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=pw");

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=pw");
    assertThat(url.redacted()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=***");
  }

  @Test
  void parse_otherSchemes_areRejectedWithTheAcceptedForms() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://localhost/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sqlite:<file>")
        .hasMessageContaining("postgresql://");
  }

  @Test
  void open_unreachablePostgres_failsFastWithStorageException() {
    assertThatThrownBy(() -> QuireDatabase.open("postgresql://127.0.0.1:1/none?user=nobody&connectTimeout=2"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("Cannot open jdbc:postgresql://127.0.0.1:1/none");
  }
}
