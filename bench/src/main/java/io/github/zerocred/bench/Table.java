package io.github.zerocred.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders rows as the Markdown table that run.sh prints and RESULTS.md holds. */
public final class Table {
  private final List<Row> rows = new ArrayList<>();

  /** Adds a row; rows keep the order they were added in. */
  public Table add(Row row) {
    rows.add(row);
    return this;
  }

  /** The rows so far. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The Markdown table: one line per figure, three ways, two ratios and the target verdict. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| # | Figure | direct | zerocred | mitmproxy | zerocred/direct | zerocred/mitmproxy"
            + " | Target (zerocred) |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Row row : rows) {
      out.append("| ")
          .append(row.workload())
          .append(" | ")
          .append(row.figure())
          .append(" | ")
          .append(value(row.direct()))
          .append(" | ")
          .append(value(row.zerocred()))
          .append(" | ")
          .append(value(row.mitmproxy()))
          .append(" | ")
          .append(ratio(row.zerocredOverDirect()))
          .append(" | ")
          .append(ratio(row.zerocredOverMitmproxy()))
          .append(" | ")
          .append(verdict(row))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String value(Double v) {
    return v == null ? "n/a" : number(v);
  }

  private static String ratio(Double r) {
    return r == null ? "" : number(r) + "×";
  }

  private static String verdict(Row row) {
    if (row.target() == null) {
      return "";
    }
    Boolean met = row.targetMet();
    String text = row.target().text();
    if (met == null) {
      return text + ": not measured";
    }
    return text + (met ? ": **met**" : ": **missed**");
  }

  /**
   * A number with about three significant digits, never in exponent form: 6213, 560, 12.4, 1.63,
   * 0.153, 0.0042.
   */
  public static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    double abs = Math.abs(v);
    String s;
    if (abs >= 100 || abs == 0) {
      s = String.format(Locale.ROOT, "%.0f", v);
    } else if (abs >= 10) {
      s = String.format(Locale.ROOT, "%.1f", v);
    } else if (abs >= 1) {
      s = String.format(Locale.ROOT, "%.2f", v);
    } else {
      int decimals = Math.min(6, 2 - (int) Math.floor(Math.log10(abs)));
      s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
