package dev.quire.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The document models Quire knows, by document type. Immutable and thread-safe once built.
 *
 * <p>Models come from explicit registration and, if asked, from {@link ServiceLoader} (every {@code
 * META-INF/services/dev.quire.model.DocumentModel} on the class path, which includes the built-in
 * {@code quire/json} and {@code quire/drive}). Two models claiming one document type are a
 * configuration error, reported when the registry is built and naming both classes; the one
 * exception is a discovered model of the same class as an explicitly registered one, which is the
 * same model found twice and is dropped in favour of the registered instance.
 */
public final class DocumentModelRegistry {

  private final Map<String, DocumentModel> models;

  private DocumentModelRegistry(Map<String, DocumentModel> models) {
    this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A registry of exactly {@code models}, without discovery. */
  public static DocumentModelRegistry of(DocumentModel... models) {
    return builder().register(models).build();
  }

  /** A registry of the models {@link ServiceLoader} finds with the context class loader. */
  public static DocumentModelRegistry discovered() {
    return builder().discover().build();
  }

  /**
   * The model of {@code documentType}.
   *
   * @throws UnknownDocumentTypeException when no model has that type
   */
  public DocumentModel get(String documentType) {
    DocumentModel model = models.get(documentType);
    if (model == null) {
      throw new UnknownDocumentTypeException(documentType);
    }
    return model;
  }

  public Optional<DocumentModel> find(String documentType) {
    return Optional.ofNullable(models.get(documentType));
  }

  /** The registered document types, sorted. */
  public Set<String> types() {
    return Collections.unmodifiableSet(new TreeSet<>(models.keySet()));
  }

  @Override
  public String toString() {
    return "DocumentModelRegistry" + types();
  }

  /** Collects models; not thread-safe. Duplicates are reported by {@link #build()}. */
  public static final class Builder {

    private final List<DocumentModel> registered = new ArrayList<>();
    private ClassLoader discoveryLoader;
    private boolean discover;

    private Builder() {}

    public Builder register(DocumentModel... models) {
      for (DocumentModel model : models) {
        registered.add(Objects.requireNonNull(model, "model"));
      }
      return this;
    }

    public Builder register(Iterable<? extends DocumentModel> models) {
      for (DocumentModel model : models) {
        registered.add(Objects.requireNonNull(model, "model"));
      }
      return this;
    }

    /** Also loads the models {@link ServiceLoader} finds with the thread's context class loader. */
    public Builder discover() {
      return discover(Thread.currentThread().getContextClassLoader());
    }

    /** Also loads the models {@link ServiceLoader} finds with {@code loader}. */
    public Builder discover(ClassLoader loader) {
      this.discover = true;
      this.discoveryLoader = loader;
      return this;
    }

    /**
     * @throws IllegalArgumentException when two models have the same document type
     * @throws java.util.ServiceConfigurationError when a listed model cannot be loaded
     */
    public DocumentModelRegistry build() {
      Map<String, DocumentModel> byType = new LinkedHashMap<>();
      for (DocumentModel model : registered) {
        put(byType, model);
      }
      if (discover) {
        for (DocumentModel model : ServiceLoader.load(DocumentModel.class, discoveryLoader)) {
          if (!isRegisteredClass(model)) {
            put(byType, model);
          }
        }
      }
      return new DocumentModelRegistry(byType);
    }

    private boolean isRegisteredClass(DocumentModel model) {
      for (DocumentModel candidate : registered) {
        if (candidate.getClass() == model.getClass()) {
          return true;
        }
      }
      return false;
    }

    private static void put(Map<String, DocumentModel> byType, DocumentModel model) {
      String type = model.documentType();
      if (type == null || type.isEmpty()) {
        throw new IllegalArgumentException(
            "Document model " + model.getClass().getName() + " has no document type");
      }
      DocumentModel previous = byType.putIfAbsent(type, model);
      if (previous != null) {
        throw new IllegalArgumentException(
            "Document type " + type + " is provided by both " + previous.getClass().getName()
                + " and " + model.getClass().getName());
      }
    }
  }
}
