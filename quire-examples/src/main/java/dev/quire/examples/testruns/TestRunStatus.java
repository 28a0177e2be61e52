package dev.quire.examples.testruns;

/** Where a test run is. */
public enum TestRunStatus {
  PLANNED,
  RUNNING,
  COMPLETED,
  ABORTED
}
