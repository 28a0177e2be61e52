package dev.quire.server.http;

import dev.quire.Reactor;
import dev.quire.job.JobInfo;
import dev.quire.job.UnknownJobException;
import dev.quire.server.ServerConfig;
import io.javalin.http.Context;
import java.time.Duration;

/** GET /v1/jobs/{id}, optionally waiting (bounded) for the job to end. */
final class JobHandlers {

  private final Reactor reactor;
  private final ServerConfig config;

  JobHandlers(Reactor reactor, ServerConfig config) {
    this.reactor = reactor;
    this.config = config;
  }

  void get(Context ctx) {
    String id = ctx.pathParam("id");
    String waitFor = Params.string(ctx, "waitFor");
    Duration timeout = Params.timeout(ctx, config.consistency().defaultWaitTimeout(), config.consistency().maxWaitTimeout());
    if (waitFor != null && !"READ_READY".equals(waitFor)) {
      throw ApiProblem.invalidParameter("waitFor",
          "only READ_READY is supported (the wait also ends when the job fails), got \"" + waitFor + "\"");
    }
    JobInfo job = reactor.job(id).orElseThrow(() -> new UnknownJobException(id));
    if (waitFor == null || job.isTerminal()) {
      answer(ctx, job);
      return;
    }
    ctx.future(() -> reactor.awaitJob(id, timeout).thenAcceptAsync(done -> answer(ctx, done), AnswerThreads.EXECUTOR));
  }

  private static void answer(Context ctx, JobInfo job) {
    String token = Responses.encodedToken(job);
    Responses.tokenHeader(ctx, job, token);
    Responses.json(ctx, 200, Wire.job(job, token));
  }
}
