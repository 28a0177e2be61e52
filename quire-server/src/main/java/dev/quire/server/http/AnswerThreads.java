package dev.quire.server.http;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Where answers to waiting requests are made. A wait (a job reaching READ_READY) ends on the thread
 * that completed it, inside the core's pipeline: a read model's thread or the job runner's. Reading
 * the document back, writing JSON and a socket write that a slow client can stall must not hold
 * that thread, so they move to a fresh virtual thread: cheap, and nothing to size or shut down.
 */
final class AnswerThreads {

  private static final ThreadFactory THREADS = Thread.ofVirtual().name("quire-http-answer").factory();

  /** Runs each task on a new virtual thread. */
  static final Executor EXECUTOR = task -> THREADS.newThread(task).start();

  private AnswerThreads() {}
}
