package dev.quire.server.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * SIGTERM / SIGINT handling for {@code quire serve}: the first signal starts a graceful stop on its
 * own thread and exits when it is done; a second signal while that runs halts the JVM at once. A
 * plain shutdown hook cannot do the second part (the JVM ignores further signals while hooks run),
 * so the JDK's {@code sun.misc.Signal} is used, through reflection to keep the build free of
 * internal-API warnings. Where it is missing, only the shutdown hook remains (graceful, no force).
 */
final class ShutdownSignals {

  private ShutdownSignals() {}

  /**
   * @param graceful stops the server; must be idempotent (it also runs from the shutdown hook)
   * @param say where to tell the operator what is happening
   */
  static void install(Runnable graceful, Consumer<String> say) {
    Runtime.getRuntime().addShutdownHook(new Thread(graceful, "quire-shutdown-hook"));
    AtomicInteger signals = new AtomicInteger();
    Consumer<String> onSignal = name -> {
      if (signals.incrementAndGet() == 1) {
        say.accept("quire: SIG" + name + " received, shutting down gracefully (send it again to force)");
        Thread stopper = new Thread(() -> {
          graceful.run();
          System.exit(0);
        }, "quire-shutdown");
        stopper.start();
      } else {
        say.accept("quire: second SIG" + name + ", forcing exit");
        Runtime.getRuntime().halt(130);
      }
    };
    for (String name : new String[] {"TERM", "INT"}) {
      handle(name, onSignal);
    }
  }

  private static void handle(String name, Consumer<String> onSignal) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> constructor = signalClass.getConstructor(String.class);
      Object signal = constructor.newInstance(name);
      Object handler = Proxy.newProxyInstance(ShutdownSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              onSignal.accept(name);
              return null;
            }
            if (method.getName().equals("toString")) {
              return "quire-signal-handler";
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            if (method.getName().equals("equals")) {
              return proxy == args[0];
            }
            return null;
          });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signal, handler);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No sun.misc.Signal (or the signal is reserved): the shutdown hook still stops gracefully.
    }
  }
}
