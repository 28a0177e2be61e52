package dev.quire.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** How every benchmark result is written: figures to two decimals, the record as indented JSON. */
public final class Results {

  private Results() {}

  /** Two decimals: rates and seconds are not known any better than that. */
  public static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** Writes {@code result} as indented JSON, creating the folder first. */
  public static void writeJson(Path file, Object result) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
  }

  /** Writes {@code <name>.json} and the latency plot of {@code series}, {@code <name>.png}, into {@code folder}. */
  public static void writeWithPlot(Path folder, String name, Object result, String plotTitle,
      Map<String, Histogram> series) throws IOException {
    Files.createDirectories(folder);
    LatencyPlot.write(folder.resolve(name + ".png"), plotTitle, series);
    writeJson(folder.resolve(name + ".json"), result);
  }
}
