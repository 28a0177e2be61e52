package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.jdbc.Durability;
import dev.quire.jdbc.JdbcReactorStorage;
import dev.quire.model.DocumentModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code quire serve --durability}: FULL unless asked, and what is asked reaches the database. */
@Timeout(60)
class ServeDurabilityTest {

  @TempDir
  Path dir;

  @Test
  void storageConfig_isFullByDefault_andKeepsTheDurabilityAsked() {
    ServerConfig.Storage byDefault = new ServerConfig.Storage(null, dir, List.of());
    assertThat(byDefault.durability()).isEqualTo(Durability.FULL);
    assertThat(byDefault.withDurability(Durability.NORMAL).durability()).isEqualTo(Durability.NORMAL);
    assertThat(byDefault.withDurability(Durability.NORMAL).withModelPaths(List.of()).durability())
        .isEqualTo(Durability.NORMAL);
    assertThat(new ServerConfig.Storage(null, dir, List.of(), null).durability()).isEqualTo(Durability.FULL);
  }

  @Test
  void sqliteStorage_opensTheDatabaseWithTheDurabilityAsked() throws Exception {
    for (Durability durability : Durability.values()) {
      ServerConfig.Storage config =
          new ServerConfig.Storage(null, dir.resolve(durability.name()), List.of(), durability);
      try (StorageFactory.Storage storage = StorageFactory.open(config, DocumentModelRegistry.of(), Duration.ofSeconds(5))) {
        JdbcReactorStorage jdbc = (JdbcReactorStorage) storage.resources();
        assertThat(jdbc.database().durability()).as(durability.name()).isEqualTo(durability);
      }
    }
  }
}
