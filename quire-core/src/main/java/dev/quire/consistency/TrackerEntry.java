package dev.quire.consistency;

/** One line of {@link ConsistencyTracker#serialize()}: a stream and its latest indexed operation. */
public record TrackerEntry(StreamKey key, long index) {}
