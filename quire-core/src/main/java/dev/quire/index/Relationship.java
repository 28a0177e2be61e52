package dev.quire.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A typed, directed edge written by {@code ADD_RELATIONSHIP} on the source document. */
public record Relationship(
    String sourceId, String targetId, String type, JsonNode metadata, Instant createdAt, Instant updatedAt) {}
