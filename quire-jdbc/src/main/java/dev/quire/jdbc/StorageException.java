package dev.quire.jdbc;

import dev.quire.model.QuireException;

/** The database failed (unreachable, locked too long, disk full); the operation may be retried. */
public class StorageException extends QuireException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
