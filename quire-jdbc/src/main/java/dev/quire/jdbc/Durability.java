package dev.quire.jdbc;

/**
 * How hard a commit is pushed to disk before {@code append} returns.
 *
 * <p>Neither mode can corrupt the database or lose a commit when only the Quire process crashes
 * (killed, out of memory): a committed transaction is in the database's log before the caller
 * hears of it. They differ on an operating-system crash or power loss.
 */
public enum Durability {
  /**
   * Every commit is flushed to stable storage before it is acknowledged (SQLite
   * {@code synchronous=FULL}; PostgreSQL {@code synchronous_commit=on}). Survives process crash,
   * OS crash and power loss. Costs one fsync per commit; group commit shares it between every
   * append waiting at that moment.
   */
  FULL,
  /**
   * Commits are written to the log but flushed lazily (SQLite WAL with {@code synchronous=NORMAL},
   * flushed at checkpoints; PostgreSQL {@code synchronous_commit=off}, flushed by the WAL writer
   * within a few hundred milliseconds). Survives a process crash; an OS crash or power loss may
   * lose the last acknowledged commits (never corrupting or reordering what remains).
   */
  NORMAL
}
