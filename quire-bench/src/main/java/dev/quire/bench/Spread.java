package dev.quire.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One figure over repeated runs: its median and range. On a shared host two runs of the same build
 * can differ by a fifth, so a repeated benchmark reports the middle run and how far the others
 * strayed rather than any single one.
 */
record Spread(double median, double min, double max, int runs) {

  static Spread of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }

  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return new Spread(median, sorted[0], sorted[sorted.length - 1], sorted.length);
  }

  /** {@code median (min–max)}, each number written with {@code format} (e.g. {@code %,.0f}). */
  String format(String format) {
    return String.format(Locale.ROOT, format, median) + " (" + String.format(Locale.ROOT, format, min) + "–"
        + String.format(Locale.ROOT, format, max) + ")";
  }
}
