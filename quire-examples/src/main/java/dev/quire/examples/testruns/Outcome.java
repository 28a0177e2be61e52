package dev.quire.examples.testruns;

/** The outcome of one test result. */
public enum Outcome {
  PASSED,
  FAILED,
  SKIPPED
}
