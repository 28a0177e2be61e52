package dev.quire.examples.testruns;

/** TEST_RUN_RESULT_DELETED ({@code DELETE_RESULT}). */
public record TestRunResultDeleted(String testRunId, String resultId) implements TestRunEvent {}
