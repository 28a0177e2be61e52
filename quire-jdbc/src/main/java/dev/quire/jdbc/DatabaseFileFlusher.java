package dev.quire.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes the pages written to a SQLite database file to disk ({@code fdatasync}) through a
 * descriptor of its own, so that a background thread can do it while no writer waits.
 *
 * <p>The descriptor stays open until {@link #close()}, which must come after every SQLite connection
 * to the file has closed: on POSIX systems closing any descriptor of a file releases every lock the
 * process holds on it, SQLite's included. It is opened for writing only because Windows flushes
 * nothing through a read-only handle; nothing is ever written through it.
 *
 * <p>Concurrency: {@link #flush()} from one thread at a time (the checkpoint thread). Not final only
 * so that a test can commit while a flush runs.
 */
class DatabaseFileFlusher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseFileFlusher.class);

  private final Path file;
  private FileChannel channel;
  private volatile boolean failed;
  private volatile boolean closed;

  DatabaseFileFlusher(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * Flushes the file's written pages; false if it cannot (closed, or failed once: the failure is
   * logged and the flusher stays off, so the caller falls back to SQLite's own syncs).
   */
  synchronized boolean flush() {
    if (failed || closed) {
      return false;
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      channel.force(false);
      return true;
    } catch (IOException | RuntimeException e) {
      failed = true;
      log.warn("Cannot flush {} from the checkpoint thread ({}); WAL restarts are left to SQLite's own checkpoint",
          file, e.toString());
      return false;
    }
  }

  /** Whether {@link #flush()} may still work. */
  boolean usable() {
    return !failed && !closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("Closing the flush descriptor of {} failed", file, e);
      }
      channel = null;
    }
  }
}
