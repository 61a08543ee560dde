package io.github.zerocred.bench;

import java.util.Objects;

/**
 * One figure measured three ways. A value is {@code null} where a way does not apply (a direct
 * connection has no proxy memory) or could not be measured; the note says which.
 *
 * @param workload the number of the {@link Workload} that measured it
 * @param figure what was measured, with its unit
 * @param direct client straight to the upstream
 * @param zerocred through {@code zerocred proxy}
 * @param mitmproxy through mitmproxy with the equivalent addon
 * @param target the zerocred target, or {@code null} when the figure has none
 */
public record Row(
    int workload, String figure, Double direct, Double zerocred, Double mitmproxy, Target target) {

  public Row {
    Objects.requireNonNull(figure, "figure");
  }

  /** zerocred divided by direct, or {@code null} when either is missing or direct is zero. */
  public Double zerocredOverDirect() {
    return ratio(zerocred, direct);
  }

  /** zerocred divided by mitmproxy, or {@code null} when either is missing or mitmproxy is zero. */
  public Double zerocredOverMitmproxy() {
    return ratio(zerocred, mitmproxy);
  }

  /** Whether zerocred meets the target; {@code null} without a target or the values it needs. */
  public Boolean targetMet() {
    return target == null ? null : target.check().met(direct, zerocred, mitmproxy);
  }

  private static Double ratio(Double numerator, Double denominator) {
    if (numerator == null || denominator == null || denominator == 0) {
      return null;
    }
    return numerator / denominator;
  }

  // Values are printed to about three digits; a difference that prints as the allowance meets it.
  private static final double EPSILON = 1e-9;

  /** A target from the issue: its wording and how to check it against the three values. */
  public record Target(String text, Check check) {
    public Target {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(check, "check");
    }

    /** At least {@code factor} times mitmproxy (higher is better). */
    public static Target atLeastTimesMitmproxy(double factor) {
      return new Target(
          "≥ " + Table.number(factor) + "× mitmproxy",
          (d, z, m) -> z == null || m == null ? null : z >= factor * m);
    }

    /** At least {@code fraction} of direct (higher is better). */
    public static Target atLeastFractionOfDirect(double fraction) {
      return new Target(
          "≥ " + Math.round(fraction * 100) + "% of direct",
          (d, z, m) -> z == null || d == null ? null : z >= fraction * d);
    }

    /** At most {@code allowance} more than direct (lower is better). */
    public static Target withinOfDirect(double allowance, String unit) {
      return new Target(
          "≤ direct + " + Table.number(allowance) + " " + unit,
          (d, z, m) -> z == null || d == null ? null : z - d <= allowance + EPSILON);
    }

    /** At most {@code limit} (lower is better). */
    public static Target atMost(double limit, String unit) {
      return new Target(
          "≤ " + Table.number(limit) + " " + unit, (d, z, m) -> z == null ? null : z <= limit);
    }
  }

  /** Decides a target from the direct, zerocred and mitmproxy values (any may be null). */
  @FunctionalInterface
  public interface Check {
    Boolean met(Double direct, Double zerocred, Double mitmproxy);
  }
}
