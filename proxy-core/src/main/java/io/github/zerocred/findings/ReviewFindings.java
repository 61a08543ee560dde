package io.github.zerocred.findings;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A review's findings, or the plain-text review it degraded to.
 *
 * @param structured whether Claude answered through the schema; when false, {@code findings} is
 *     empty and {@code summary} is the review as text
 * @param summary the overall verdict (structured) or the whole review (plain text), Markdown
 * @param findings the findings, most severe first
 * @param warnings what went wrong reading Claude's answer, for the front end to show
 */
public record ReviewFindings(
    boolean structured, String summary, List<Finding> findings, List<String> warnings) {

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::severity)
          .thenComparing(Finding::file)
          .thenComparingInt(Finding::startLine);

  public ReviewFindings {
    Objects.requireNonNull(summary, "summary");
    findings = findings.stream().sorted(ORDER).toList();
    warnings = List.copyOf(warnings);
  }

  /** A review that was asked for as text, or degraded to text. */
  public static ReviewFindings plainText(String review, List<String> warnings) {
    return new ReviewFindings(false, review, List.of(), warnings);
  }

  /** How many findings of each severity, every severity present (zero included). */
  public Map<Severity, Integer> countBySeverity() {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    return counts;
  }

  /** The findings as severe as {@code threshold} or more; none without a threshold. */
  public List<Finding> atOrAbove(Optional<Severity> threshold) {
    return threshold
        .map(t -> findings.stream().filter(f -> f.severity().atLeast(t)).toList())
        .orElse(List.of());
  }

  /** The review as Markdown: the summary, a table by severity, then each finding. */
  public String markdown() {
    if (!structured) {
      return summary.strip() + "\n";
    }
    StringBuilder md = new StringBuilder();
    if (!summary.isBlank()) {
      md.append(summary.strip()).append("\n\n");
    }
    if (findings.isEmpty()) {
      return md.append("No findings.\n").toString();
    }
    md.append(severityTable()).append('\n');
    for (Finding f : findings) {
      md.append(FindingsMarkdown.item(f)).append('\n');
    }
    return md.toString();
  }

  /** A Markdown table with a row per severity. */
  public String severityTable() {
    StringBuilder table = new StringBuilder("| Severity | Findings |\n|---|---:|\n");
    countBySeverity()
        .forEach(
            (s, n) -> table.append("| ").append(s.id()).append(" | ").append(n).append(" |\n"));
    return table.toString();
  }
}
