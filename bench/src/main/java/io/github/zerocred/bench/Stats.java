package io.github.zerocred.bench;

import java.util.Arrays;

/** An immutable sample of durations in nanoseconds, with the percentiles the results quote. */
public final class Stats {
  private final long[] sorted;

  private Stats(long[] sorted) {
    this.sorted = sorted;
  }

  /** A sample of the given values (copied; their order does not matter). */
  public static Stats of(long... nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return new Stats(copy);
  }

  /** How many values the sample holds. */
  public int count() {
    return sorted.length;
  }

  /**
   * The nearest-rank percentile ({@code p} in 0..100): the smallest value with at least p% of the
   * sample at or below it. Nearest-rank never invents a value nobody measured.
   */
  public long percentile(double p) {
    if (sorted.length == 0) {
      throw new IllegalStateException("no values");
    }
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be within 0..100: " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** The median (nearest-rank 50th percentile). */
  public long median() {
    return percentile(50);
  }

  /** The arithmetic mean. */
  public double mean() {
    if (sorted.length == 0) {
      throw new IllegalStateException("no values");
    }
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  /** The largest value. */
  public long max() {
    return percentile(100);
  }

  /** Nanoseconds as milliseconds. */
  public static double millis(double nanos) {
    return nanos / 1_000_000.0;
  }
}
