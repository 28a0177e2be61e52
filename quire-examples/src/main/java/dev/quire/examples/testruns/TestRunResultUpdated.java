package dev.quire.examples.testruns;

/**
 * TEST_RUN_RESULT_UPDATED ({@code UPDATE_RESULT}).
 *
 * @param name the new name, null when unchanged
 * @param outcome the new outcome, null when unchanged
 */
public record TestRunResultUpdated(String testRunId, String resultId, String name, Outcome outcome)
    implements TestRunEvent {}
