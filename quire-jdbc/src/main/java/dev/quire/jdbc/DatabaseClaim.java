package dev.quire.jdbc;

/** A process's hold on a database for as long as a {@link QuireDatabase} is open; released on close. */
interface DatabaseClaim extends AutoCloseable {

  /**
   * Completes if the claim is lost while the database is open (a PostgreSQL session cut by a proxy
   * or a timeout takes its advisory lock with it); never, for a claim the OS holds for the process.
   */
  default java.util.concurrent.CompletableFuture<Void> lost() {
    return new java.util.concurrent.CompletableFuture<>();
  }

  @Override
  void close();
}
