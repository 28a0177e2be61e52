package dev.quire.server;

import dev.quire.model.DocumentModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Loads {@link DocumentModel} services from {@code --models}: jar files, or folders whose jars are
 * all loaded. Models on the server's own class path ({@code quire/json}, {@code quire/drive}) are
 * found by the reactor itself; this returns only the ones the given jars add.
 */
final class ModelJars {

  private ModelJars() {}

  static List<DocumentModel> load(List<Path> paths) {
    if (paths.isEmpty()) {
      return List.of();
    }
    List<URL> urls = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.list(path)) {
          files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(f -> urls.add(url(f)));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list model folder " + path, e);
        }
      } else if (Files.isRegularFile(path)) {
        urls.add(url(path));
      } else {
        throw new IllegalArgumentException("--models: no such file or folder: " + path);
      }
    }
    // Never closed: model classes stay in use for the life of the process.
    ClassLoader parent = ModelJars.class.getClassLoader();
    URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), parent);
    // The jars' loader also sees the services of the server's own class path; keep only the others.
    Set<String> builtIn = new HashSet<>();
    for (DocumentModel model : ServiceLoader.load(DocumentModel.class, parent)) {
      builtIn.add(model.getClass().getName());
    }
    List<DocumentModel> models = new ArrayList<>();
    for (DocumentModel model : ServiceLoader.load(DocumentModel.class, loader)) {
      if (!builtIn.contains(model.getClass().getName())) {
        models.add(model);
      }
    }
    return models;
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("Bad model path " + path, e);
    }
  }
}
