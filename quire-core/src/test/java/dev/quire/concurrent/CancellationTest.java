package dev.quire.concurrent;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CancellationTest {

  @Test
  void cancel_runsEveryCallbackOnce() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    cancellation.onCancel(first::incrementAndGet);
    cancellation.onCancel(second::incrementAndGet);

    assertThat(cancellation.isCancelled()).isFalse();
    cancellation.cancel();
    cancellation.cancel();

    assertThat(cancellation.isCancelled()).isTrue();
    assertThat(first).hasValue(1);
    assertThat(second).hasValue(1);
    assertThat(cancellation.callbackCount()).isZero();
  }

  @Test
  void onCancel_afterCancel_runsAtOnce() {
    Cancellation cancellation = Cancellation.create();
    cancellation.cancel();
    AtomicInteger calls = new AtomicInteger();

    Scheduler.Cancellable handle = cancellation.onCancel(calls::incrementAndGet);

    assertThat(calls).hasValue(1);
    handle.cancel(); // harmless
    assertThat(calls).hasValue(1);
  }

  @Test
  void handle_removesCallback() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger calls = new AtomicInteger();
    Scheduler.Cancellable handle = cancellation.onCancel(calls::incrementAndGet);
    assertThat(cancellation.callbackCount()).isEqualTo(1);

    handle.cancel();
    handle.cancel();
    cancellation.cancel();

    assertThat(cancellation.callbackCount()).isZero();
    assertThat(calls).hasValue(0);
  }

  @Test
  void sameRunnableTwice_isTwoRegistrations() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger calls = new AtomicInteger();
    Runnable callback = calls::incrementAndGet;
    Scheduler.Cancellable firstHandle = cancellation.onCancel(callback);
    cancellation.onCancel(callback);

    firstHandle.cancel();
    cancellation.cancel();

    assertThat(calls).hasValue(1);
  }

  @Test
  void cancel_throwingCallback_doesNotStopTheOthers() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger calls = new AtomicInteger();
    cancellation.onCancel(() -> {
      throw new IllegalStateException("first");
    });
    cancellation.onCancel(calls::incrementAndGet);
    cancellation.onCancel(() -> {
      throw new IllegalStateException("second");
    });

    assertThatThrownBy(cancellation::cancel)
        .hasMessage("first")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second"));
    assertThat(calls).hasValue(1);
    assertThat(cancellation.isCancelled()).isTrue();
  }

  @Test
  void callback_mayRegisterAnotherCallbackDuringCancel() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger inner = new AtomicInteger();
    cancellation.onCancel(() -> cancellation.onCancel(inner::incrementAndGet));

    cancellation.cancel();

    assertThat(inner).hasValue(1);
  }

  @Test
  void registrationsRacingWithCancel_eachRunExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      for (int round = 0; round < 200; round++) {
        Cancellation cancellation = Cancellation.create();
        AtomicInteger registered = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(5);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          tasks.add(pool.submit(() -> {
            start.await(5, SECONDS);
            for (int i = 0; i < 50; i++) {
              registered.incrementAndGet();
              cancellation.onCancel(ran::incrementAndGet);
            }
            return null;
          }));
        }
        tasks.add(pool.submit(() -> {
          start.await(5, SECONDS);
          cancellation.cancel();
          return null;
        }));
        for (Future<?> task : tasks) {
          task.get(5, SECONDS);
        }
        assertThat(ran).hasValue(registered.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
