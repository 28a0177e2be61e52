package dev.quire.demo;

import dev.quire.CreateDocument;
import dev.quire.Reactor;
import dev.quire.job.JobInfo;
import dev.quire.model.Action;
import dev.quire.model.Json;
import dev.quire.model.Document;
import dev.quire.model.Scopes;
import dev.quire.readmodel.ReadOptions;
import dev.quire.view.ViewFilter;
import java.time.Duration;
import java.util.List;

/**
 * The README quickstart as a runnable program: an in-memory reactor, one {@code quire/json}
 * document, one SET, and a read that waits for the write's consistency token.
 *
 * <p>Run: {@code ./mvnw -q -pl quire-core exec:java -Dexec.mainClass=dev.quire.demo.QuickstartDemo}
 * (or from an IDE).
 */
public final class QuickstartDemo {

  private QuickstartDemo() {}

  public static void main(String[] args) throws Exception {
    try (Reactor reactor = Reactor.builder().build()) {
      Duration timeout = Duration.ofSeconds(5);

      JobInfo created = reactor.create(CreateDocument.of("quire/json", "greeting"));
      reactor.awaitJob(created.id(), timeout).join();

      Action set = Action.of("SET", Scopes.GLOBAL,
          Json.object().put("path", "/message").put("value", "Hello, Quire"));
      JobInfo written = reactor.awaitJob(reactor.execute("greeting", "main", List.of(set)).id(), timeout).join();

      // The token names the operations the job wrote; the read waits until the view has them.
      Document document = reactor
          .get("greeting", ViewFilter.MAIN, ReadOptions.after(written.consistencyToken().orElseThrow()))
          .join();

      System.out.println("status:   " + written.status());
      System.out.println("token:    " + written.consistencyToken().orElseThrow().encode());
      System.out.println("document: " + Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
    }
  }
}
