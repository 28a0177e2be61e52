package dev.quire.listener;

import dev.quire.model.OperationWithContext;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a document type's operations mean in domain terms: maps one stored operation to zero or
 * more typed events, e.g. {@code ADD_RESULT} on a test run to {@code TestRunResultCreated}.
 *
 * <p>Mappers see every operation of their document type, the {@code document} scope's system
 * operations ({@code CREATE_DOCUMENT}, {@code DELETE_DOCUMENT}, relationships) included. They must be
 * pure functions of the operation: replays and rebuilds call them again on the same operations and
 * must get the same events. {@code resultingState} is null during catch-up, so map from the
 * action's input, not from the state.
 */
public interface DomainEventMapper {

  /** The document type whose operations this maps, e.g. {@code example/test-run}. */
  String documentType();

  /**
   * The events {@code operation} means, in order; empty for operations without domain meaning.
   *
   * @throws RuntimeException for an operation the mapper cannot read; the batch then fails
   */
  List<?> map(OperationWithContext operation);

  /** A mapper from a function. */
  static DomainEventMapper of(String documentType, Function<OperationWithContext, List<?>> mapping) {
    Objects.requireNonNull(documentType, "documentType");
    Objects.requireNonNull(mapping, "mapping");
    return new DomainEventMapper() {
      @Override
      public String documentType() {
        return documentType;
      }

      @Override
      public List<?> map(OperationWithContext operation) {
        return mapping.apply(operation);
      }
    };
  }
}
