package dev.quire.sync;

/** The receiver's acknowledgement: every operation up to {@code ack} was applied or dead-lettered. */
public record PushResult(String nodeId, long ack, int applied, int deadLettered) {}
