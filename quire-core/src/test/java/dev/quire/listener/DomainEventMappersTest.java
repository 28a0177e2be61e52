package dev.quire.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.OperationWithContext;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainEventMappersTest {

  record Renamed(String id) {}

  record Touched(String id) {}

  private final DomainEventMappers mappers = DomainEventMappers.of(
      DomainEventMapper.of("shop/order", op -> switch (op.operation().action().type()) {
        case "RENAME" -> List.of(new Renamed(op.documentId()), new Touched(op.documentId()));
        case "NOTHING" -> List.of();
        default -> Arrays.asList((Object) null);
      }));

  @Test
  void map_givesEventsInOrderWithSequenceNumbers() {
    OperationWithContext op = ListenerTestOperations.op("shop/order", "o-1", "RENAME", 3, 42);

    List<DomainEvent<?>> events = mappers.map(op);

    assertThat(events.stream().map(e -> (Object) e.payload()).toList()).containsExactly(new Renamed("o-1"), new Touched("o-1"));
    assertThat(events).extracting(event -> event.metadata().sequence()).containsExactly(0, 1);
    assertThat(events.get(0).metadata()).satisfies(meta -> {
      assertThat(meta.index()).isEqualTo(3);
      assertThat(meta.ordinal()).isEqualTo(42);
      assertThat(meta.actionType()).isEqualTo("RENAME");
      assertThat(meta.stream().toString()).isEqualTo("o-1:global:main");
    });
  }

  @Test
  void map_unknownTypeOrNoMeaning_isEmpty() {
    assertThat(mappers.map(ListenerTestOperations.op("shop/invoice", "i-1", "RENAME", 0, 1))).isEmpty();
    assertThat(mappers.map(ListenerTestOperations.op("shop/order", "o-1", "NOTHING", 0, 1))).isEmpty();
  }

  @Test
  void map_nullEvent_fails() {
    assertThatThrownBy(() -> mappers.map(ListenerTestOperations.op("shop/order", "o-1", "OTHER", 0, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("null event");
  }

  @Test
  void of_twoMappersForOneType_fails() {
    DomainEventMapper mapper = DomainEventMapper.of("shop/order", op -> List.of());
    assertThatThrownBy(() -> DomainEventMappers.of(mapper, mapper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shop/order");
  }
}
