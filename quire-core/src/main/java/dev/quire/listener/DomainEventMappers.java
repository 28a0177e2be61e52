package dev.quire.listener;

import dev.quire.model.OperationWithContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link DomainEventMapper}s of a listener, one per document type. Operations of types without
 * a mapper mean nothing to the listener. Immutable and thread-safe.
 */
public final class DomainEventMappers {

  private final Map<String, DomainEventMapper> byType;

  private DomainEventMappers(Map<String, DomainEventMapper> byType) {
    this.byType = Map.copyOf(byType);
  }

  /**
   * @throws IllegalArgumentException when two mappers claim one document type
   */
  public static DomainEventMappers of(DomainEventMapper... mappers) {
    return of(List.of(mappers));
  }

  /**
   * @throws IllegalArgumentException when two mappers claim one document type
   */
  public static DomainEventMappers of(Collection<? extends DomainEventMapper> mappers) {
    Map<String, DomainEventMapper> byType = new HashMap<>();
    for (DomainEventMapper mapper : mappers) {
      Objects.requireNonNull(mapper, "mapper");
      String type = Objects.requireNonNull(mapper.documentType(), "documentType()");
      DomainEventMapper previous = byType.putIfAbsent(type, mapper);
      if (previous != null) {
        throw new IllegalArgumentException(
            "Two domain event mappers for document type " + type + ": " + previous + " and " + mapper);
      }
    }
    return new DomainEventMappers(byType);
  }

  /** The document types that have a mapper. */
  public Set<String> documentTypes() {
    return byType.keySet();
  }

  /**
   * The events of one operation, with their metadata; empty when its type has no mapper.
   *
   * @throws IllegalStateException when the mapper returns null or a null event
   */
  public List<DomainEvent<?>> map(OperationWithContext operation) {
    DomainEventMapper mapper = byType.get(operation.documentType());
    if (mapper == null) {
      return List.of();
    }
    List<?> payloads = mapper.map(operation);
    if (payloads == null) {
      throw new IllegalStateException("Mapper of " + operation.documentType() + " returned null for "
          + operation.operation().action().type() + " at " + operation.coordinate());
    }
    if (payloads.isEmpty()) {
      return List.of();
    }
    List<DomainEvent<?>> events = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      Object payload = payloads.get(i);
      if (payload == null) {
        throw new IllegalStateException("Mapper of " + operation.documentType() + " returned a null event for "
            + operation.operation().action().type() + " at " + operation.coordinate());
      }
      events.add(new DomainEvent<>(payload, EventMetadata.of(operation, i)));
    }
    return events;
  }

  /** The events of several operations, in their order. */
  public List<DomainEvent<?>> mapAll(List<OperationWithContext> operations) {
    List<DomainEvent<?>> events = new ArrayList<>();
    for (OperationWithContext operation : operations) {
      events.addAll(map(operation));
    }
    return events;
  }
}
