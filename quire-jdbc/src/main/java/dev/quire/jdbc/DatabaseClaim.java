package dev.quire.jdbc;

/** A process's hold on a database for as long as a {@link QuireDatabase} is open; released on close. */
interface DatabaseClaim extends AutoCloseable {
  @Override
  void close();
}
