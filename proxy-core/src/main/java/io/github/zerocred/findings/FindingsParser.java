package io.github.zerocred.findings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.review.UntrustedText;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Claude's structured output into {@link ReviewFindings}. Claude Code validates the output
 * against the schema, but an older or newer CLI, a model that never called the tool, or a hand-made
 * result may still bring anything: whatever cannot be read degrades to the plain-text review with a
 * warning, and a finding that cannot be read is dropped with a warning. It never throws.
 */
public final class FindingsParser {
  private static final JsonMapper JSON = new JsonMapper();

  private FindingsParser() {}

  /**
   * The findings of any run: read from its structured output when it was given {@link
   * FindingsSchema} ({@code structured}), else its plain-text review; a failed run has none.
   */
  public static ReviewFindings forRun(RunResult result, boolean structured) {
    if (!result.isSuccess()) {
      return ReviewFindings.plainText(
          result.resultText().isEmpty()
              ? "_No review was produced: " + result.message() + "_"
              : result.resultText(),
          List.of());
    }
    return structured ? fromRun(result) : ReviewFindings.plainText(result.resultText(), List.of());
  }

  /**
   * The findings of a run that was given {@link FindingsSchema}: Claude Code puts them in the
   * {@code structured_output} of its result event (and their JSON text in {@code result}).
   */
  public static ReviewFindings fromRun(RunResult result) {
    String text = result.resultText().isBlank() ? result.partialOutput() : result.resultText();
    Optional<JsonNode> structured = result.structuredOutput().flatMap(FindingsParser::json);
    if (structured.isEmpty()) {
      structured = jsonObject(result.resultText()).filter(n -> n.has("findings"));
    }
    if (structured.isEmpty()) {
      return ReviewFindings.plainText(
          text,
          List.of(
              "Claude gave no structured findings (it never answered through the findings"
                  + " schema): the review is plain text, without inline comments or SARIF"
                  + " results"));
    }
    return parse(structured.get(), text);
  }

  private static Optional<JsonNode> json(String text) {
    try {
      return Optional.ofNullable(JSON.readTree(text));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Reads a structured answer; {@code fallbackText} is the review when the answer is unusable. */
  public static ReviewFindings parse(JsonNode answer, String fallbackText) {
    if (answer == null || !answer.isObject()) {
      return ReviewFindings.plainText(
          fallbackText,
          List.of(
              "Claude's structured output is not a JSON object: the review is plain text"
                  + " instead"));
    }
    JsonNode array = answer.path("findings");
    if (!array.isArray()) {
      return ReviewFindings.plainText(
          fallbackText,
          List.of(
              "Claude's structured output has no findings array: the review is plain text"
                  + " instead"));
    }
    List<String> warnings = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      try {
        findings.add(finding(array.get(i), warnings, i + 1));
      } catch (IllegalArgumentException e) {
        warnings.add("finding " + (i + 1) + " was left out: " + e.getMessage());
      }
    }
    JsonNode summary = answer.path("summary");
    return new ReviewFindings(
        true, summary.isTextual() ? summary.asText() : "", findings, warnings);
  }

  private static Finding finding(JsonNode node, List<String> warnings, int number) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("it is not a JSON object");
    }
    String raw = requiredText(node, "file");
    String file =
        FindingPath.normalise(raw)
            .orElseGet(
                () -> {
                  String shown = FindingPath.shown(raw);
                  warnings.add(
                      "finding "
                          + number
                          + ": file '"
                          + shown
                          + "' is not a path inside the repository; the finding is kept, without"
                          + " a location (not on the diff, not in SARIF)");
                  return shown;
                });
    int start = line(node.path("startLine"), "startLine");
    int end = node.hasNonNull("endLine") ? line(node.path("endLine"), "endLine") : start;
    if (end < start) {
      warnings.add(
          "finding " + number + ": endLine " + end + " is before startLine " + start + ", swapped");
      int t = start;
      start = end;
      end = t;
    }
    // Quoted in a warning a front end prints: one line, no control characters, short.
    String severityText = UntrustedText.oneLine(node.path("severity").asText(""), 40);
    Severity severity =
        Severity.fromId(severityText)
            .orElseGet(
                () -> {
                  warnings.add(
                      "finding "
                          + number
                          + ": severity '"
                          + severityText
                          + "' is unknown, taken as medium");
                  return Severity.MEDIUM;
                });
    Category category = Category.fromId(node.path("category").asText("")).orElse(Category.OTHER);
    String title = requiredText(node, "title");
    String explanation =
        node.path("explanation").isTextual() ? node.get("explanation").asText() : "";
    Optional<String> suggestion =
        Optional.ofNullable(node.get("suggestion"))
            .filter(JsonNode::isTextual)
            .map(JsonNode::asText);
    return new Finding(file, start, end, severity, category, title, explanation, suggestion);
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(field + " is missing or not text");
    }
    return value.asText().strip();
  }

  private static int line(JsonNode value, String field) {
    int line;
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      line = value.asInt();
    } else if (value.isTextual()) {
      line = parseInt(value.asText(), field);
    } else {
      throw new IllegalArgumentException(field + " is missing or not a line number");
    }
    if (line < 1) {
      throw new IllegalArgumentException(field + " " + line + " is not a 1-based line number");
    }
    return line;
  }

  private static int parseInt(String text, String field) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          field + " '" + UntrustedText.oneLine(text, 40) + "' is not a line number", e);
    }
  }

  private static Optional<JsonNode> jsonObject(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
