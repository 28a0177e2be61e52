package dev.quire.examples.testruns;

import java.time.Instant;

/** One row of {@code test_runs_view}. */
public record TestRunRow(
    String id,
    String title,
    TestRunStatus status,
    int totalResults,
    int passed,
    int failed,
    int skipped,
    Instant updatedAt) {}
