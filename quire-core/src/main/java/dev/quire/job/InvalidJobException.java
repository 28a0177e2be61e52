package dev.quire.job;

import dev.quire.model.QuireException;

/**
 * A job or batch was refused at submit time (unknown or cyclic dependency, duplicate key, no
 * actions...). Nothing was queued.
 */
public class InvalidJobException extends QuireException {

  private final String key;

  /** @param key the job id or batch key at fault */
  public InvalidJobException(String key, String message) {
    super(message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
