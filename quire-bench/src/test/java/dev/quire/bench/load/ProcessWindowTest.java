package dev.quire.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.LINUX, disabledReason = "reads /proc/self/io")
class ProcessWindowTest {

  @TempDir Path dir;

  @Test
  void countsTheBytesWrittenAndReadInTheWindow_perJob() throws IOException {
    byte[] megabyte = new byte[1_000_000];
    ProcessWindow window = ProcessWindow.open();
    Path file = dir.resolve("data");
    Files.write(file, megabyte);
    Files.write(file, megabyte);
    assertThat(Files.readAllBytes(file)).hasSize(megabyte.length);
    window.close();

    ProcessResources perJob = window.resources(2);

    // Other threads of the JVM may read or write too, so at least, not exactly.
    assertThat(perJob.writtenBytesPerJob()).isGreaterThanOrEqualTo(1_000_000);
    assertThat(perJob.readBytesPerJob()).isGreaterThanOrEqualTo(500_000);
  }

  @Test
  void bytesBeforeTheWindowOpens_doNotCount() throws IOException {
    Files.write(dir.resolve("before"), new byte[4_000_000]);
    ProcessWindow window = ProcessWindow.open();
    window.close();

    assertThat(window.resources(1).writtenBytesPerJob()).isLessThan(4_000_000);
  }
}
