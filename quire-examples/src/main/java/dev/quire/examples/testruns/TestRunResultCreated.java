package dev.quire.examples.testruns;

/** TEST_RUN_RESULT_CREATED ({@code ADD_RESULT}). */
public record TestRunResultCreated(String testRunId, String resultId, String name, Outcome outcome)
    implements TestRunEvent {}
