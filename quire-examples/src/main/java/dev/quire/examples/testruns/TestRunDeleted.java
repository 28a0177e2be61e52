package dev.quire.examples.testruns;

/** TEST_RUN_DELETED: the document was deleted ({@code DELETE_DOCUMENT}). */
public record TestRunDeleted(String testRunId) implements TestRunEvent {}
