package dev.quire.listener;

import java.util.Objects;

/**
 * A typed domain event (usually a record declared by the document model's {@link
 * DomainEventMapper}) with the metadata of the operation it was mapped from.
 */
public record DomainEvent<T>(T payload, EventMetadata metadata) {

  public DomainEvent {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(metadata, "metadata");
  }

  /** See {@link EventMetadata#eventId()}. */
  public String eventId() {
    return metadata.eventId();
  }

  /** The payload's simple class name, e.g. {@code TestRunCreated}. */
  public String type() {
    return payload.getClass().getSimpleName();
  }
}
