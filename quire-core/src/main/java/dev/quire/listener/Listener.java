package dev.quire.listener;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A dispatch table from domain event types to handlers, plus an optional {@link BatchHandler}.
 *
 * <p>Built either from an object with {@link On}-annotated methods ({@link #annotated}) or from
 * lambdas ({@link #builder}). Annotated methods are resolved once, here, into method handles; the
 * handlers for an event class are looked up once per class and cached, so delivering an event costs
 * a map lookup and a direct call, never reflection.
 *
 * <p>For each batch, {@link #deliver} calls the handlers of every event in order (an event matches
 * handlers registered for its class or any supertype, in registration order, which for annotated
 * methods is name order, a class's before its superclass's; events without a
 * handler are passed over), then the batch handler with all events. Optionally events are first
 * coalesced: of the events sharing a {@link Builder#coalesceBy key} only the last one of the batch is
 * delivered, for listeners that only need the latest state.
 *
 * <p>Concurrency: immutable apart from the per-class cache, which is a concurrent map; safe to
 * share, although a read model delivers batches one at a time.
 *
 * @param <C> the read model's context type, e.g. {@link java.sql.Connection}
 */
public final class Listener<C> {

  private static final MethodHandle PAYLOAD;
  private static final MethodHandle METADATA;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PAYLOAD = lookup.findVirtual(DomainEvent.class, "payload", MethodType.methodType(Object.class));
      METADATA = lookup.findVirtual(DomainEvent.class, "metadata", MethodType.methodType(EventMetadata.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Class<C> contextType;
  private final Map<Class<?>, List<Handler<C>>> declared;
  private final BatchHandler<C> batchHandler;
  private final Function<DomainEvent<?>, ?> coalesceKey;
  private final String description;
  private final Map<Class<?>, List<Handler<C>>> resolved = new ConcurrentHashMap<>();

  private Listener(Class<C> contextType, Map<Class<?>, List<Handler<C>>> declared, BatchHandler<C> batchHandler,
      Function<DomainEvent<?>, ?> coalesceKey, String description) {
    this.contextType = contextType;
    this.declared = declared;
    this.batchHandler = batchHandler;
    this.coalesceKey = coalesceKey;
    this.description = description;
  }

  /** A listener built from lambdas. */
  public static <C> Builder<C> builder(Class<C> contextType) {
    return new Builder<>(Objects.requireNonNull(contextType, "contextType"));
  }

  /**
   * A listener made of {@code target}'s {@link On} methods (its superclasses' included), and of
   * its {@link BatchHandler#onBatch} if it implements {@link BatchHandler}.
   *
   * @throws IllegalArgumentException when a method's parameters cannot be supplied (see {@link On}),
   *     or when {@code target} has neither {@code @On} methods nor a batch handler
   */
  @SuppressWarnings("unchecked")
  public static <C> Listener<C> annotated(Object target, Class<C> contextType) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(contextType, "contextType");
    Builder<C> builder = new Builder<>(contextType);
    List<Method> methods = new ArrayList<>();
    for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      Arrays.stream(type.getDeclaredMethods())
          .filter(method -> method.isAnnotationPresent(On.class) && !method.isBridge() && !method.isSynthetic())
          .sorted(Comparator.comparing(Method::getName).thenComparing(Method::toGenericString))
          .forEach(methods::add);
    }
    for (Method method : methods) {
      Class<?> eventType = eventType(method, contextType);
      builder.add(eventType, methodHandler(target, method, eventType, contextType));
    }
    if (target instanceof BatchHandler<?> batch) {
      builder.onBatch((BatchHandler<C>) batch);
    }
    if (methods.isEmpty() && builder.batchHandler == null) {
      throw new IllegalArgumentException(target.getClass().getName()
          + " has no @On methods and does not implement BatchHandler: it would never see an event");
    }
    builder.description = target.getClass().getName();
    return builder.build();
  }

  /** The same listener, delivering only the last event of each {@code key} in a batch. */
  public Listener<C> coalescingBy(Function<DomainEvent<?>, ?> key) {
    return new Listener<>(contextType, declared, batchHandler, Objects.requireNonNull(key, "key"), description);
  }

  /**
   * The same listener, delivering per batch only the last event of each event type per document
   * and branch: for listeners that upsert a document's latest state and do not care about the
   * steps in between.
   */
  public Listener<C> coalescingPerDocument() {
    return coalescingBy(event -> List.of(event.payload().getClass(), event.metadata().documentId(),
        event.metadata().branch()));
  }

  public Class<C> contextType() {
    return contextType;
  }

  /** The event types with at least one handler, in registration order. */
  public List<Class<?>> eventTypes() {
    return List.copyOf(declared.keySet());
  }

  public boolean hasBatchHandler() {
    return batchHandler != null;
  }

  /**
   * Delivers one batch: each event to its handlers, then the whole batch to the batch handler.
   * Stops at the first exception.
   *
   * @throws EventHandlerException wrapping what a handler threw, with the event it was handling
   */
  void deliver(List<DomainEvent<?>> events, C context) throws EventHandlerException {
    if (events.isEmpty()) {
      return;
    }
    List<DomainEvent<?>> delivered = coalesceKey == null ? events : coalesce(events);
    for (DomainEvent<?> event : delivered) {
      for (Handler<C> handler : handlersOf(event.payload().getClass())) {
        try {
          handler.handle(event, context);
        } catch (Throwable e) {
          rethrowFatal(e);
          throw new EventHandlerException(event, handler.description(), e);
        }
      }
    }
    if (batchHandler != null) {
      try {
        batchHandler.onBatch(delivered, context);
      } catch (Throwable e) {
        rethrowFatal(e);
        throw new EventHandlerException(null, "onBatch", e);
      }
    }
  }

  /** The handlers of one payload class: those of the class and of its supertypes, in registration order. */
  List<Handler<C>> handlersOf(Class<?> payloadClass) {
    List<Handler<C>> handlers = resolved.get(payloadClass);
    if (handlers == null) {
      handlers = resolved.computeIfAbsent(payloadClass, this::resolve);
    }
    return handlers;
  }

  @Override
  public String toString() {
    return "Listener[" + description + ", events=" + declared.keySet().stream().map(Class::getSimpleName).toList()
        + (batchHandler != null ? ", onBatch" : "") + "]";
  }

  private List<Handler<C>> resolve(Class<?> payloadClass) {
    List<Handler<C>> matching = new ArrayList<>();
    declared.forEach((type, handlers) -> {
      if (type.isAssignableFrom(payloadClass)) {
        matching.addAll(handlers);
      }
    });
    return List.copyOf(matching);
  }

  private List<DomainEvent<?>> coalesce(List<DomainEvent<?>> events) {
    Map<Object, Integer> lastByKey = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      lastByKey.put(coalesceKey.apply(events.get(i)), i);
    }
    if (lastByKey.size() == events.size()) {
      return events;
    }
    List<DomainEvent<?>> kept = new ArrayList<>(lastByKey.size());
    for (int i = 0; i < events.size(); i++) {
      if (lastByKey.get(coalesceKey.apply(events.get(i))) == i) {
        kept.add(events.get(i));
      }
    }
    return kept;
  }

  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError error) {
      throw error;
    }
  }

  // ------------------------------------------------------------------------ annotated methods

  private enum Slot { PAYLOAD, EVENT, METADATA, CONTEXT }

  private static Class<?> eventType(Method method, Class<?> contextType) {
    Class<?> declaredType = method.getAnnotation(On.class).value();
    if (declaredType != Void.class) {
      return declaredType;
    }
    List<Class<?>> candidates = Arrays.stream(method.getParameterTypes())
        .filter(type -> type != DomainEvent.class && type != EventMetadata.class
            && !type.isAssignableFrom(contextType))
        .toList();
    if (candidates.size() != 1) {
      throw new IllegalArgumentException("@On without a type on " + describe(method)
          + ": cannot tell the event type from its parameters; write @On(EventType.class)");
    }
    return candidates.get(0);
  }

  private static <C> Handler<C> methodHandler(Object target, Method method, Class<?> eventType,
      Class<C> contextType) {
    Class<?>[] parameters = method.getParameterTypes();
    MethodHandle[] filters = new MethodHandle[parameters.length];
    int[] reorder = new int[parameters.length];
    Class<?>[] adapted = new Class<?>[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      Class<?> parameter = parameters[i];
      Slot slot = slot(method, parameter, eventType, contextType);
      switch (slot) {
        case EVENT -> {
          adapted[i] = DomainEvent.class;
          reorder[i] = 0;
        }
        case PAYLOAD -> {
          filters[i] = PAYLOAD.asType(MethodType.methodType(parameter, DomainEvent.class));
          adapted[i] = DomainEvent.class;
          reorder[i] = 0;
        }
        case METADATA -> {
          filters[i] = METADATA;
          adapted[i] = DomainEvent.class;
          reorder[i] = 0;
        }
        case CONTEXT -> {
          filters[i] = MethodHandles.identity(Object.class).asType(MethodType.methodType(parameter, Object.class));
          adapted[i] = Object.class;
          reorder[i] = 1;
        }
      }
    }
    MethodHandle handle = unreflect(target, method);
    MethodHandle filtered = MethodHandles.filterArguments(handle, 0, filters)
        .asType(MethodType.methodType(void.class, adapted));
    MethodHandle uniform = MethodHandles.permuteArguments(
        filtered, MethodType.methodType(void.class, DomainEvent.class, Object.class), reorder);
    String description = describe(method);
    return new Handler<>() {
      @Override
      public void handle(DomainEvent<?> event, C context) throws Throwable {
        uniform.invokeExact(event, (Object) context);
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  private static Slot slot(Method method, Class<?> parameter, Class<?> eventType, Class<?> contextType) {
    if (parameter == DomainEvent.class) {
      return Slot.EVENT;
    }
    if (parameter == EventMetadata.class) {
      return Slot.METADATA;
    }
    if (parameter.isAssignableFrom(eventType) && parameter != Object.class) {
      return Slot.PAYLOAD;
    }
    if (parameter == Object.class) {
      return Slot.PAYLOAD;
    }
    if (parameter.isAssignableFrom(contextType)) {
      return Slot.CONTEXT;
    }
    throw new IllegalArgumentException("Cannot supply parameter of type " + parameter.getName() + " of "
        + describe(method) + ": a parameter must be the event (" + eventType.getSimpleName()
        + " or a supertype), DomainEvent, EventMetadata or the context (" + contextType.getSimpleName() + ")");
  }

  private static MethodHandle unreflect(Object target, Method method) {
    MethodHandle handle;
    try {
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup());
      handle = lookup.unreflect(method);
    } catch (IllegalAccessException | SecurityException e) {
      try {
        method.setAccessible(true);
        handle = MethodHandles.lookup().unreflect(method);
      } catch (IllegalAccessException | RuntimeException inner) {
        inner.addSuppressed(e);
        throw new IllegalArgumentException("Cannot access " + describe(method), inner);
      }
    }
    return Modifier.isStatic(method.getModifiers()) ? handle : handle.bindTo(target);
  }

  private static String describe(Method method) {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName()
        + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList().toString()
            .replace('[', '(').replace(']', ')');
  }

  /** One handler, uniform over how it was declared. */
  interface Handler<C> {
    void handle(DomainEvent<?> event, C context) throws Throwable;

    String description();
  }

  /** Registers handlers as lambdas; not thread-safe. */
  public static final class Builder<C> {
    private final Class<C> contextType;
    private final Map<Class<?>, List<Handler<C>>> handlers = new LinkedHashMap<>();
    private BatchHandler<C> batchHandler;
    private Function<DomainEvent<?>, ?> coalesceKey;
    private String description = "lambdas";

    private Builder(Class<C> contextType) {
      this.contextType = contextType;
    }

    /** Handles events of {@code type} (and its subtypes). Several handlers of one type run in order. */
    @SuppressWarnings("unchecked")
    public <T> Builder<C> on(Class<T> type, EventHandler<? super T, ? super C> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      String name = "on(" + type.getSimpleName() + ")";
      return add(type, new Handler<>() {
        @Override
        public void handle(DomainEvent<?> event, C context) throws Exception {
          ((EventHandler<Object, C>) handler).handle((DomainEvent<Object>) event, context);
        }

        @Override
        public String description() {
          return name;
        }
      });
    }

    /** Receives each batch after the per-event handlers; see {@link BatchHandler}. */
    public Builder<C> onBatch(BatchHandler<C> handler) {
      if (batchHandler != null) {
        throw new IllegalStateException("onBatch was already set to " + batchHandler);
      }
      batchHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Per batch, delivers only the last event of each {@code key}; see {@link Listener#coalescingBy}. */
    public Builder<C> coalesceBy(Function<DomainEvent<?>, ?> key) {
      coalesceKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @throws IllegalStateException when nothing was registered
     */
    public Listener<C> build() {
      if (handlers.isEmpty() && batchHandler == null) {
        throw new IllegalStateException("A listener needs at least one on(...) handler or onBatch");
      }
      Map<Class<?>, List<Handler<C>>> copy = new LinkedHashMap<>();
      handlers.forEach((type, list) -> copy.put(type, List.copyOf(list)));
      return new Listener<>(contextType, java.util.Collections.unmodifiableMap(copy), batchHandler, coalesceKey,
          description);
    }

    private Builder<C> add(Class<?> type, Handler<C> handler) {
      handlers.computeIfAbsent(type, key -> new ArrayList<>()).add(handler);
      return this;
    }
  }
}
