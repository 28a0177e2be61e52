package dev.quire.verify.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.consistency.ConsistencyCoordinate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private final AtomicLong clock = new AtomicLong();
  private final History history = new History(() -> clock.addAndGet(1_000_000));

  @Test
  void ops_areInInvocationOrder_withLatencyAndToken() {
    History.Invocation first = history.invoke("c0", OpKind.APPEND, "d").element("c0-1", 1).waitMillis(100);
    History.Invocation second = history.invoke("c1", OpKind.READ_DOC, "d");
    ConsistencyCoordinate at = new ConsistencyCoordinate("d", "global", "main", 1);
    second.read("SATISFIED", List.of(at), ReadResult.document(List.of("c0-1"), java.util.Map.of("c0", 1L)));
    first.write(Outcome.OK, "READ_READY", null, List.of(at));

    List<Op> ops = history.ops();

    assertThat(ops).extracting(Op::kind).containsExactly(OpKind.APPEND, OpKind.READ_DOC);
    assertThat(ops.get(0).latencyMillis()).isEqualTo(3);
    assertThat(ops.get(0).token()).containsExactly(at);
    assertThat(ops.get(0).describe()).contains("c0-1").contains("returned-token=[d:global:main@1]");
    assertThat(ops.get(1).describe()).contains("read-token=").contains("saw items=[c0-1]");
  }

  @Test
  void ops_countOpenInvocationsAsUnknown() {
    history.invoke("c0", OpKind.APPEND, "d").element("c0-1", 1);

    assertThat(history.ops()).singleElement().satisfies(op -> {
      assertThat(op.outcome()).isEqualTo(Outcome.INFO);
      assertThat(op.status()).isEqualTo("OPEN");
    });
    assertThat(history.completedCount()).isZero();
  }

  @Test
  void processFault_marksOnlyCallsOpenAcrossIt() {
    History.Invocation across = history.invoke("c0", OpKind.READ_DOC, "d");
    history.processFault();
    History.Invocation after = history.invoke("c1", OpKind.READ_DOC, "d");

    Op a = across.failedRead(Outcome.FAIL, "UNAVAILABLE", "refused", List.of());
    Op b = after.failedRead(Outcome.FAIL, "TIMED_OUT", null, List.of());

    assertThat(a.faultAffected()).isTrue();
    assertThat(b.faultAffected()).isFalse();
  }
}
