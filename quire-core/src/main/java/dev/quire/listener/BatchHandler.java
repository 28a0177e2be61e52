package dev.quire.listener;

import java.util.List;

/**
 * Receives every batch of events at once, in the same transaction as the per-event handlers (after
 * them). Lets a listener do bulk work once per batch: one multi-row statement, one recount per
 * touched row, one cache invalidation. An annotated listener gets it by implementing this interface.
 *
 * <p>A batch is what the read model commits at once: one or more written jobs live, a page of
 * history during catch-up and rebuild. It is never empty.
 *
 * @param <C> the read model's context, e.g. the {@link java.sql.Connection} of the open transaction
 */
@FunctionalInterface
public interface BatchHandler<C> {

  void onBatch(List<DomainEvent<?>> events, C context) throws Exception;
}
