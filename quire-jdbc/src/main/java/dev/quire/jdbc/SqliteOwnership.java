package dev.quire.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Claims a SQLite database file for one {@link QuireDatabase} at a time, with an OS lock on a
 * sidecar file ({@code <database>.quire-lock}). The read models remember the rows they committed
 * ({@link CommittedRows}), which is only sound while nobody else writes the file: a second Quire
 * process (or a second {@code QuireDatabase} in the same one) on the same file would make those
 * memories silently stale, so it is refused with a clear error instead. The OS releases the lock
 * when the process dies, so a crash never leaves the file claimed.
 */
final class SqliteOwnership implements DatabaseClaim {

  private final FileChannel channel;
  private final FileLock lock;

  private SqliteOwnership(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws StorageException when another process or another open database holds the file */
  static SqliteOwnership claim(Path databaseFile) {
    Path lockFile = databaseFile.resolveSibling(databaseFile.getFileName() + ".quire-lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageException("Cannot create the lock file " + lockFile + ": " + e.getMessage(), e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new StorageException(databaseFile + " is open in another Quire process (it holds " + lockFile
            + "); one process writes a SQLite database at a time: stop the other one, or use PostgreSQL to share a"
            + " database between processes", null);
      }
      return new SqliteOwnership(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new StorageException(databaseFile + " is already open in this process; close that QuireDatabase first"
          + " (or share it)", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof StorageException storage) {
        throw storage;
      }
      throw new StorageException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it too.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing held any more that matters.
    }
  }
}
