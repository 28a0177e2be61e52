package dev.quire.jdbc;

import java.util.ArrayList;
import java.util.List;

/** Closes what a test opened, last opened first. */
final class Resources implements AutoCloseable {

  private final List<AutoCloseable> opened = new ArrayList<>();

  <T extends AutoCloseable> T add(T resource) {
    opened.add(resource);
    return resource;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable resource : opened.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing test resources failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
