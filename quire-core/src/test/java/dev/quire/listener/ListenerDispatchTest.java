package dev.quire.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerDispatchTest {

  sealed interface Shape permits Circle, Square {}

  record Circle(double radius) implements Shape {}

  record Square(double side) implements Shape {}

  record Unrelated(String text) {}

  /** A context type standing in for a JDBC connection. */
  record Tx(List<String> log) {}

  static DomainEvent<?> event(Object payload, long index) {
    return new DomainEvent<>(payload, EventMetadata.of(
        ListenerTestOperations.op("t", "doc-" + index, "ACT", index, 100 + index, null,
            Json.object().put("user", "ada")), 0));
  }

  static final class Annotated implements BatchHandler<Tx> {
    @On(Circle.class)
    void circle(Circle circle, Tx tx) {
      tx.log().add("circle " + circle.radius());
    }

    @On
    private void square(EventMetadata meta, Square square, Tx tx) {
      tx.log().add("square " + square.side() + " of " + meta.documentId() + " by " + meta.context().get("user").asText());
    }

    @On(Shape.class)
    void anyShape(DomainEvent<Shape> event, Tx tx) {
      tx.log().add("shape " + event.metadata().ordinal());
    }

    @On(Circle.class)
    static void staticHandler(Tx tx) {
      tx.log().add("static");
    }

    @Override
    public void onBatch(List<DomainEvent<?>> events, Tx tx) {
      tx.log().add("batch of " + events.size());
    }
  }

  @Test
  void annotated_dispatchesByTypeAndSupertype_thenBatch() throws Exception {
    Listener<Tx> listener = Listener.annotated(new Annotated(), Tx.class);
    Tx tx = new Tx(new ArrayList<>());

    listener.deliver(List.of(event(new Circle(1), 1), event(new Unrelated("x"), 2), event(new Square(2), 3)), tx);

    // Annotated methods register in name order: anyShape, circle, square, staticHandler.
    assertThat(tx.log()).containsExactly(
        "shape 101", "circle 1.0", "static",
        "shape 103", "square 2.0 of doc-3 by ada",
        "batch of 3");
    assertThat(listener.hasBatchHandler()).isTrue();
  }

  @Test
  void lambdas_runInRegistrationOrder() throws Exception {
    List<String> seen = new ArrayList<>();
    Listener<Tx> listener = Listener.builder(Tx.class)
        .on(Square.class, (event, tx) -> seen.add("square " + event.payload().side()))
        .on(Shape.class, (event, tx) -> seen.add("shape " + event.type()))
        .build();

    listener.deliver(List.of(event(new Square(3), 1), event(new Circle(4), 2)), new Tx(List.of()));

    assertThat(seen).containsExactly("square 3.0", "shape Square", "shape Circle");
    assertThat(listener.eventTypes()).containsExactly(Square.class, Shape.class);
  }

  @Test
  void deliver_handlerThrows_reportsTheEvent() {
    Listener<Tx> listener = Listener.builder(Tx.class)
        .on(Circle.class, (event, tx) -> {
          throw new java.sql.SQLException("constraint failed");
        })
        .build();
    DomainEvent<?> circle = event(new Circle(1), 7);

    assertThatThrownBy(() -> listener.deliver(List.of(event(new Square(1), 6), circle), new Tx(List.of())))
        .isInstanceOfSatisfying(EventHandlerException.class, e -> {
          assertThat(e.event()).isSameAs(circle);
          assertThat(e.getCause()).hasMessage("constraint failed");
        });
  }

  @Test
  void coalescingPerDocument_keepsTheLastEventOfEachDocumentAndType() throws Exception {
    List<String> seen = new ArrayList<>();
    Listener<Tx> listener = Listener.builder(Tx.class)
        .on(Square.class, (event, tx) -> seen.add(event.metadata().documentId() + "=" + event.payload().side()))
        .build()
        .coalescingPerDocument();
    DomainEvent<?> a1 = new DomainEvent<>(new Square(1), event(new Square(1), 1).metadata());
    DomainEvent<?> b1 = new DomainEvent<>(new Square(2), event(new Square(2), 2).metadata());
    DomainEvent<?> a2 = new DomainEvent<>(new Square(3), a1.metadata());

    listener.deliver(List.of(a1, b1, a2), new Tx(List.of()));

    assertThat(seen).containsExactly("doc-2=2.0", "doc-1=3.0");
  }

  static final class BadParameter {
    @On(Circle.class)
    void circle(Circle circle, String unexpected) {}
  }

  static final class NoHandlers {}

  @Test
  void annotated_rejectsParametersItCannotSupply() {
    assertThatThrownBy(() -> Listener.annotated(new BadParameter(), Tx.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("String")
        .hasMessageContaining("BadParameter.circle");
    assertThatThrownBy(() -> Listener.annotated(new NoHandlers(), Tx.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no @On methods");
  }

  @Test
  void eventMetadata_eventIdIsStableAndUnique() {
    EventMetadata first = event(new Circle(1), 4).metadata();
    EventMetadata second = new EventMetadata(first.documentId(), first.documentType(), first.scope(), first.branch(),
        first.index(), first.ordinal(), first.timestamp(), first.operationId(), first.actionType(), null, 1);

    assertThat(first.eventId()).isEqualTo("doc-4:global:main@4#0");
    assertThat(second.eventId()).isNotEqualTo(first.eventId());
  }
}
