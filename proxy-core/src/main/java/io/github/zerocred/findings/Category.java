package io.github.zerocred.findings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What kind of problem a finding is; one SARIF rule per category. */
public enum Category {
  BUG("Bug", "Incorrect behaviour: wrong results, crashes, broken edge cases."),
  SECURITY("Security", "A vulnerability or a weakness an attacker can use."),
  CONCURRENCY("Concurrency", "Races, deadlocks, unsafe publication, misuse of threads."),
  ERROR_HANDLING("Error handling", "Failures that are ignored, hidden or reported wrongly."),
  DATA_LOSS("Data loss", "Data that can be lost, corrupted or leaked."),
  PERFORMANCE("Performance", "Needless work, unbounded memory or time."),
  MAINTAINABILITY("Maintainability", "Code that is hard to understand or change safely."),
  TESTING("Testing", "Missing or misleading tests."),
  DOCUMENTATION("Documentation", "Wrong or missing documentation."),
  STYLE("Style", "Formatting, naming and conventions."),
  OTHER("Other", "Anything that fits no other category.");

  private final String title;
  private final String description;

  Category(String title, String description) {
    this.title = title;
    this.description = description;
  }

  /** The name in the schema and the files, e.g. {@code error-handling}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The SARIF rule id, e.g. {@code zerocred/security}. */
  public String ruleId() {
    return "zerocred/" + id();
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  /** The category with this id ({@code error-handling}, {@code error_handling}, any case). */
  public static Optional<Category> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String s = id.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    return Arrays.stream(values()).filter(v -> v.name().equals(s)).findFirst();
  }
}
