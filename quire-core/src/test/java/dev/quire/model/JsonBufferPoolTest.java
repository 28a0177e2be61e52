package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JsonBufferPoolTest {

  @Test
  void buffersReleasedOnOneVirtualThread_areReusedByTheNext() throws Exception {
    // A pool of its own: the shared one also holds buffers of other virtual threads in this JVM.
    JsonBufferPool pool = new JsonBufferPool();
    BufferRecycler first = onNewVirtualThread(() -> {
      BufferRecycler recycler = pool.acquireAndLinkPooled();
      recycler.releaseToPool();
      return recycler;
    });

    BufferRecycler second = onNewVirtualThread(pool::acquireAndLinkPooled);

    assertThat(second).isSameAs(first);
  }

  @Test
  void aPlatformThread_keepsItsOwnBuffers() {
    BufferRecycler first = JsonBufferPool.INSTANCE.acquireAndLinkPooled();
    first.releaseToPool();

    assertThat(JsonBufferPool.INSTANCE.acquireAndLinkPooled()).isSameAs(first);
  }

  @Test
  void theSharedMapper_writesAndReadsOnVirtualThreads() throws Exception {
    String json = onNewVirtualThread(() -> Json.mapper().writeValueAsString(Json.object().put("n", 1)));

    assertThat(onNewVirtualThread(() -> Json.mapper().readTree(json).path("n").asInt())).isEqualTo(1);
  }

  private static <T> T onNewVirtualThread(Callable<T> task) throws Exception {
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      return executor.submit(task).get(10, TimeUnit.SECONDS);
    }
  }
}
