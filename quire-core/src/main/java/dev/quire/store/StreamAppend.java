package dev.quire.store;

import dev.quire.consistency.StreamKey;
import dev.quire.model.Operation;
import java.util.List;
import java.util.Objects;

/**
 * Operations to add at the head of one stream.
 *
 * @param expectedRevision the index the first operation takes; the append fails with {@link
 *     RevisionMismatchException} unless the stream's next index equals it
 */
public record StreamAppend(StreamKey stream, String documentType, long expectedRevision, List<Operation> operations) {

  public StreamAppend {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(documentType, "documentType");
    operations = List.copyOf(operations);
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("A stream append needs at least one operation");
    }
    for (int i = 0; i < operations.size(); i++) {
      if (operations.get(i).index() != expectedRevision + i) {
        throw new IllegalArgumentException(
            "Operation " + i + " of the append to " + stream + " has index " + operations.get(i).index()
                + ", expected " + (expectedRevision + i));
      }
    }
  }
}
