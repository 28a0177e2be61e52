package dev.quire.bench.scale;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * Draws a scale curve as a PNG: the varied setting on a log x axis, jobs/s on the left axis and
 * p99 submit→READ_READY (ms, log) on the right, so both costs of growing the work show at once.
 */
final class ScalePlot {

  private ScalePlot() {}

  static void write(Path png, String title, String xTitle, List<ScalePoint> points) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(1000).height(600).title(title).xAxisTitle(xTitle).build();
    chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNE)
        .setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().setYAxisLogarithmic(false);
    double[] x = points.stream().mapToDouble(ScalePoint::value).toArray();
    XYSeries throughput = chart.addSeries("jobs/s to READ_READY (left)", x,
        points.stream().mapToDouble(ScalePoint::jobsPerSecond).toArray());
    throughput.setYAxisGroup(0);
    XYSeries p99 = chart.addSeries("p99 submit→READ_READY, ms (right)", x,
        points.stream().mapToDouble(ScalePoint::p99Ms).toArray());
    p99.setYAxisGroup(1);
    chart.setYAxisGroupTitle(0, "jobs/s");
    chart.setYAxisGroupTitle(1, "p99 ms");
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
