package dev.quire.examples.testruns;

/** TEST_RUN_CREATED: the document was created ({@code CREATE_DOCUMENT}). */
public record TestRunCreated(String testRunId, String title, TestRunStatus status) implements TestRunEvent {}
