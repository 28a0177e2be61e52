package dev.quire.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShadowDdlTest {

  private static String shadow(String statement) {
    return ReadModelEngine.EngineSql.shadowDdl(statement, "quire_documents", "quire_documents_rebuild");
  }

  @Test
  void a_table_is_renamed_throughout() {
    assertThat(shadow("CREATE TABLE \"quire_documents\" (document_id TEXT NOT NULL)"))
        .isEqualTo("CREATE TABLE \"quire_documents_rebuild\" (document_id TEXT NOT NULL)");
  }

  @Test
  void an_index_alternates_between_the_migrations_name_and_the_shadows() {
    String migrated = "CREATE INDEX quire_documents_type ON quire_documents (branch, document_type)";
    String once = "CREATE INDEX quire_documents_rebuild_type ON \"quire_documents\" (branch, document_type)";

    assertThat(shadow(migrated))
        .isEqualTo("CREATE INDEX quire_documents_rebuild_type ON quire_documents_rebuild (branch, document_type)");
    assertThat(shadow(once))
        .isEqualTo("CREATE INDEX quire_documents_type ON \"quire_documents_rebuild\" (branch, document_type)");
  }

  @Test
  void names_grown_by_earlier_rebuilds_shrink_back() {
    assertThat(shadow("CREATE UNIQUE INDEX quire_documents_rebuild_rebuild_type ON \"quire_documents\" (slug)"))
        .isEqualTo("CREATE UNIQUE INDEX quire_documents_type ON \"quire_documents_rebuild\" (slug)");
  }
}
