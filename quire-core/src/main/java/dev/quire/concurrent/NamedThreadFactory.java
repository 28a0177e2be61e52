package dev.quire.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names every Quire thread ({@code quire-readmodel-document-view-1}) so thread dumps explain themselves. */
public final class NamedThreadFactory implements ThreadFactory {

  private final String prefix;
  private final boolean daemon;
  private final AtomicInteger counter = new AtomicInteger();

  private NamedThreadFactory(String prefix, boolean daemon) {
    this.prefix = prefix;
    this.daemon = daemon;
  }

  public static NamedThreadFactory daemon(String prefix) {
    return new NamedThreadFactory(prefix, true);
  }

  public static NamedThreadFactory nonDaemon(String prefix) {
    return new NamedThreadFactory(prefix, false);
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + counter.incrementAndGet());
    thread.setDaemon(daemon);
    return thread;
  }
}
