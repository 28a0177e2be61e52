package dev.quire.examples.testruns;

/**
 * TEST_RUN_UPDATED ({@code UPDATE_TEST_RUN}).
 *
 * @param title the new title, null when unchanged
 * @param status the new status, null when unchanged
 */
public record TestRunUpdated(String testRunId, String title, TestRunStatus status) implements TestRunEvent {}
