package dev.quire.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskThreadsTest {

  @Test
  void virtual_threads_are_the_default_from_the_jdk_that_stopped_pinning_monitors() {
    assertThat(TaskThreads.virtualByDefault(null, 21)).isFalse();
    assertThat(TaskThreads.virtualByDefault(null, 23)).isFalse();
    assertThat(TaskThreads.virtualByDefault(null, 24)).isTrue();
    assertThat(TaskThreads.virtualByDefault("", 25)).isTrue();
  }

  @Test
  void the_property_overrides_the_default_either_way() {
    assertThat(TaskThreads.virtualByDefault("false", 25)).isFalse();
    assertThat(TaskThreads.virtualByDefault(" TRUE ", 21)).isTrue();
  }

  @Test
  void a_property_that_is_not_a_boolean_is_refused_with_its_name() {
    assertThatThrownBy(() -> TaskThreads.virtualByDefault("yes", 25))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TaskThreads.PROPERTY)
        .hasMessageContaining("'yes'");
  }

  @Test
  void virtual_executors_run_each_task_on_a_virtual_thread_named_by_the_prefix() throws Exception {
    assertThat(threadOf(TaskThreads.newExecutor("quire-test", true))).isEqualTo("quire-test virtual");
  }

  @Test
  void platform_executors_run_tasks_on_named_daemon_threads() throws Exception {
    assertThat(threadOf(TaskThreads.newExecutor("quire-test", false))).isEqualTo("quire-test-1 daemon");
  }

  private static String threadOf(ExecutorService executor) throws Exception {
    try {
      return executor.submit(() -> {
        Thread t = Thread.currentThread();
        return t.getName() + (t.isVirtual() ? " virtual" : t.isDaemon() ? " daemon" : " platform");
      }).get(10, TimeUnit.SECONDS);
    } finally {
      executor.shutdown();
    }
  }
}
