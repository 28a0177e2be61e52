package dev.quire.bench.compare;

import java.util.List;

/**
 * Two builds measured in alternated pairs: the mean of each, the mean of the pairs' differences
 * with its 95 % confidence interval (Student's t over the pairs), and in how many pairs the
 * candidate's figure was the higher.
 *
 * <p>Why pairs: on a shared host a build's figure drifts by a fifth within minutes, so a difference
 * is only worth its spread across pairs run close together, not the distance between two means
 * taken at different times. An interval that contains 0 says the pairs cannot tell the builds apart.
 *
 * @param baselineMean mean of the baseline's runs
 * @param candidateMean mean of the candidate's runs
 * @param meanDifference mean of (candidate - baseline) over the pairs
 * @param lower lower end of the difference's 95 % confidence interval
 * @param upper upper end of the difference's 95 % confidence interval
 * @param candidateHigher pairs in which the candidate's figure was the higher (a win for jobs/s, a
 *     loss for latency or CPU)
 * @param pairs number of pairs
 */
public record PairedComparison(double baselineMean, double candidateMean, double meanDifference, double lower,
    double upper, int candidateHigher, int pairs) {

  /** Two-sided 95 % critical values of Student's t for 1 to 30 degrees of freedom. */
  private static final double[] T_95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};
  private static final double Z_95 = 1.960;

  /**
   * @param baseline the baseline's figure of each pair
   * @param candidate the candidate's figure of each pair, in the same order
   * @throws IllegalArgumentException unless both hold the same number (at least two) of figures
   */
  public static PairedComparison of(List<Double> baseline, List<Double> candidate) {
    if (baseline.size() != candidate.size() || baseline.size() < 2) {
      throw new IllegalArgumentException("need two equally long lists of at least two figures, got "
          + baseline.size() + " and " + candidate.size());
    }
    int n = baseline.size();
    double sumBase = 0;
    double sumCandidate = 0;
    double[] differences = new double[n];
    int wins = 0;
    for (int i = 0; i < n; i++) {
      sumBase += baseline.get(i);
      sumCandidate += candidate.get(i);
      differences[i] = candidate.get(i) - baseline.get(i);
      if (differences[i] > 0) {
        wins++;
      }
    }
    double mean = (sumCandidate - sumBase) / n;
    double squares = 0;
    for (double d : differences) {
      squares += (d - mean) * (d - mean);
    }
    double standardError = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
    double halfWidth = tCritical(n - 1) * standardError;
    return new PairedComparison(sumBase / n, sumCandidate / n, mean, mean - halfWidth, mean + halfWidth, wins, n);
  }

  /** The mean difference relative to the baseline's mean, in per cent. */
  public double relativeDifferencePercent() {
    return 100 * meanDifference / baselineMean;
  }

  /** Whether the 95 % interval excludes 0: the pairs tell the builds apart. */
  public boolean significant() {
    return lower > 0 || upper < 0;
  }

  static double tCritical(int degreesOfFreedom) {
    return degreesOfFreedom <= T_95.length ? T_95[degreesOfFreedom - 1] : Z_95;
  }
}
