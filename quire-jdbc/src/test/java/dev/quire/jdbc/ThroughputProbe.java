package dev.quire.jdbc;

import static dev.quire.store.Operations.append;
import static dev.quire.store.Operations.batch;
import static dev.quire.store.Operations.operations;
import static dev.quire.store.Operations.stream;

import dev.quire.concurrent.NamedThreadFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: prints append throughput by writer count, to see group commit at work. Run with
 * {@code -Dquire.probe=true -Dtest=ThroughputProbe}; optional {@code -Dquire.probe.url=...}.
 */
@EnabledIfSystemProperty(named = "quire.probe", matches = "true")
class ThroughputProbe {

  @TempDir Path dir;

  @Test
  void appendThroughputByWriterCount() throws Exception {
    String url = System.getProperty("quire.probe.url", Databases.sqliteUrl(dir));
    try (QuireDatabase db = QuireDatabase.open(url);
        JdbcOperationStore store = new JdbcOperationStore(db)) {
      Databases.clear(db);
      int round = 0;
      for (int writers : new int[] {1, 4, 16, 64}) {
        round++;
        int perWriter = 2000 / writers + 20;
        ExecutorService executor = Executors.newFixedThreadPool(writers, NamedThreadFactory.daemon("probe"));
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String doc = "r" + round + "-w" + w;
          futures.add(executor.submit(() -> {
            for (int i = 0; i < perWriter; i++) {
              store.append(batch(append(stream(doc), operations(i, 1))));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        executor.shutdownNow();
        System.out.printf("%s writers=%d appends=%d %.0f appends/s%n", db.dialect(), writers, writers * perWriter,
            writers * perWriter / seconds);
      }
    }
  }
}
