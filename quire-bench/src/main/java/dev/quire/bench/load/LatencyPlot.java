package dev.quire.bench.load;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws latency percentile distributions as a PNG, the way HdrHistogram's plotter does: the x axis
 * counts "nines" (0 = p0, 1 = p90, 2 = p99, 3 = p99.9), the y axis is milliseconds on a log scale,
 * so the tail is as readable as the median. Renders headless.
 */
public final class LatencyPlot {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 600;
  /** A log axis cannot show 0; sub-microsecond values are drawn at 1 µs. */
  private static final double FLOOR_MS = 0.001;

  private LatencyPlot() {}

  /** Writes the plot of every non-empty histogram (nanoseconds) in {@code series} to {@code png}. */
  public static void write(Path png, String title, Map<String, Histogram> series) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("percentile").yAxisTitle("latency (ms, log scale)").build();
    XYStyler styler = chart.getStyler();
    styler.setYAxisLogarithmic(true);
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setxAxisTickLabelsFormattingFunction(LatencyPlot::percentileLabel);
    for (Map.Entry<String, Histogram> entry : series.entrySet()) {
      Histogram histogram = entry.getValue();
      if (histogram.getTotalCount() == 0) {
        continue;
      }
      List<Double> nines = new ArrayList<>();
      List<Double> millis = new ArrayList<>();
      for (HistogramIterationValue value : histogram.percentiles(5)) {
        double percentile = value.getPercentileLevelIteratedTo();
        if (percentile >= 100.0) {
          break;
        }
        nines.add(Math.log10(100.0 / (100.0 - percentile)));
        millis.add(Math.max(FLOOR_MS, histogram.highestEquivalentValue(value.getValueIteratedTo()) / 1e6));
      }
      // The maximum, at one "nine" beyond the last iterated percentile.
      double last = nines.isEmpty() ? 0 : nines.get(nines.size() - 1);
      nines.add(Math.max(last + 0.25, Math.log10(histogram.getTotalCount())));
      millis.add(Math.max(FLOOR_MS, histogram.getMaxValue() / 1e6));
      XYSeries line = chart.addSeries(entry.getKey(), nines, millis);
      line.setMarker(SeriesMarkers.NONE);
    }
    if (chart.getSeriesMap().isEmpty()) {
      return;
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  /** 0 → "0%", 1 → "90%", 2 → "99%", 2.5 → "99.68%", 3 → "99.9%". */
  static String percentileLabel(double nines) {
    double percentile = 100.0 * (1.0 - Math.pow(10, -nines));
    int decimals = Math.max(0, (int) Math.ceil(Math.rint(nines * 1000) / 1000 - 2));
    if (Math.abs(nines - Math.rint(nines)) > 1e-3) {
      decimals += 1;
    }
    return String.format(Locale.ROOT, "%." + decimals + "f%%", percentile);
  }
}
