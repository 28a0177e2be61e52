package dev.quire.examples.testruns;

/**
 * The domain events of a test run (seed 003's TEST_RUN_* types), as {@link TestRunEvents} maps them
 * from the operations of {@link TestRunModel}.
 */
public sealed interface TestRunEvent
    permits TestRunCreated, TestRunUpdated, TestRunDeleted,
        TestRunResultCreated, TestRunResultUpdated, TestRunResultDeleted {

  /** The test run's document id. */
  String testRunId();
}
