package io.github.zerocred.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingsParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ANSWER =
      """
      {"summary": "Two problems.", "findings": [
        {"file": "src/Low.java", "startLine": 9, "endLine": 9, "severity": "low",
         "category": "style", "title": "Odd name", "explanation": "Call it total."},
        {"file": "src/Discount.java", "startLine": 1, "endLine": 2, "severity": "critical",
         "category": "bug", "title": "Divides by zero", "explanation": "p / 0 always throws.",
         "suggestion": "return p;"}]}
      """;

  @Test
  void fromRun_readsStructuredOutputOfTheResultEvent_mostSevereFirst() throws Exception {
    ObjectNode event = JSON.createObjectNode().put("type", "result").put("result", "{…}");
    event.set("structured_output", JSON.readTree(ANSWER));

    ReviewFindings review =
        FindingsParser.fromRun(Results.withResultEvent("{…}", event.toString()));

    assertThat(review.structured()).isTrue();
    assertThat(review.warnings()).isEmpty();
    assertThat(review.summary()).isEqualTo("Two problems.");
    assertThat(review.findings())
        .extracting(Finding::title)
        .containsExactly("Divides by zero", "Odd name");
    Finding first = review.findings().get(0);
    assertThat(first.location()).isEqualTo("src/Discount.java:1-2");
    assertThat(first.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(first.category()).isEqualTo(Category.BUG);
    assertThat(first.suggestion()).contains("return p;");
    assertThat(review.findings().get(1).suggestion()).isEmpty();
    assertThat(review.countBySeverity())
        .containsEntry(Severity.CRITICAL, 1)
        .containsEntry(Severity.LOW, 1)
        .containsEntry(Severity.HIGH, 0);
    assertThat(review.markdown())
        .startsWith("Two problems.")
        .contains("| critical | 1 |")
        .contains("**critical** · Divides by zero — `src/Discount.java:1-2` (bug)");
  }

  @Test
  void fromRun_withoutStructuredOutput_readsTheResultTextWhenItIsTheJson() {
    ReviewFindings review =
        FindingsParser.fromRun(Results.withResultEvent(ANSWER, "{\"type\":\"result\"}"));

    assertThat(review.structured()).isTrue();
    assertThat(review.findings()).hasSize(2);
  }

  @Test
  void fromRun_plainTextAnswer_degradesToPlainTextWithAWarning() {
    ReviewFindings review =
        FindingsParser.fromRun(
            Results.withResultEvent(
                "Looks good, but Discount divides by zero.",
                "{\"type\":\"result\",\"structured_output\":null}"));

    assertThat(review.structured()).isFalse();
    assertThat(review.findings()).isEmpty();
    assertThat(review.summary()).isEqualTo("Looks good, but Discount divides by zero.");
    assertThat(review.markdown()).isEqualTo("Looks good, but Discount divides by zero.\n");
    assertThat(review.warnings()).singleElement().asString().contains("plain text");
  }

  @Test
  void parse_malformedShapes_degradeToPlainTextWithAWarning_neverThrow() throws Exception {
    for (String answer :
        new String[] {
          "[]", "\"text\"", "42", "{\"summary\": \"x\"}", "{\"findings\": {\"file\": \"a\"}}"
        }) {
      ReviewFindings review = FindingsParser.parse(JSON.readTree(answer), "the text");

      assertThat(review.structured()).as(answer).isFalse();
      assertThat(review.summary()).isEqualTo("the text");
      assertThat(review.warnings()).as(answer).hasSize(1);
    }
    assertThat(FindingsParser.parse(null, "t").structured()).isFalse();
    ReviewFindings broken = FindingsParser.fromRun(Results.withResultEvent("{not json", "{oops"));
    assertThat(broken.structured()).isFalse();
    assertThat(broken.summary()).isEqualTo("{not json");
  }

  @Test
  void parse_partialOutput_keepsTheGoodFindings_andWarnsAboutEachDroppedOne() throws Exception {
    String answer =
        """
        {"summary": "Partial.", "findings": [
          {"file": "a.py", "startLine": 3, "severity": "high", "category": "bug", "title": "Ok"},
          {"startLine": 3, "severity": "high", "category": "bug", "title": "No file"},
          {"file": "b.py", "startLine": "x", "severity": "high", "category": "bug", "title": "T"},
          {"file": "c.py", "startLine": 0, "severity": "high", "category": "bug", "title": "T"},
          {"file": "../etc/passwd", "startLine": 1, "severity": "high", "title": "Escapes"},
          "not an object",
          {"file": "./d.py", "startLine": "7", "endLine": 5, "severity": "URGENT",
           "category": "weird", "title": "Lenient"}]}
        """;

    ReviewFindings review = FindingsParser.parse(JSON.readTree(answer), "text");

    assertThat(review.structured()).isTrue();
    assertThat(review.findings()).extracting(Finding::title).containsExactly("Ok", "Lenient");
    Finding lenient = review.findings().get(1);
    assertThat(lenient.file()).isEqualTo("d.py");
    assertThat(lenient.startLine()).isEqualTo(5);
    assertThat(lenient.endLine()).isEqualTo(7);
    assertThat(lenient.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(lenient.category()).isEqualTo(Category.OTHER);
    assertThat(review.findings().get(0).endLine()).isEqualTo(3);
    assertThat(review.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("finding 2 was left out: file"))
        .anySatisfy(w -> assertThat(w).startsWith("finding 3 was left out: startLine"))
        .anySatisfy(w -> assertThat(w).startsWith("finding 4 was left out: startLine 0"))
        .anySatisfy(w -> assertThat(w).contains("not inside the repository"))
        .anySatisfy(w -> assertThat(w).startsWith("finding 6 was left out"))
        .anySatisfy(w -> assertThat(w).contains("swapped"))
        .anySatisfy(w -> assertThat(w).contains("'URGENT' is unknown"));
  }

  @Test
  void parse_emptyFindingsList_isAStructuredReviewWithNoFindings() throws Exception {
    ReviewFindings review =
        FindingsParser.parse(
            JSON.readTree("{\"summary\": \"Nothing to report.\", \"findings\": []}"), "x");

    assertThat(review.structured()).isTrue();
    assertThat(review.findings()).isEmpty();
    assertThat(review.warnings()).isEmpty();
    assertThat(review.markdown()).isEqualTo("Nothing to report.\n\nNo findings.\n");
    assertThat(review.atOrAbove(Optional.of(Severity.INFO))).isEmpty();
  }

  @Test
  void path_isMadeRelativeToTheRepository() {
    assertThat(FindingsParser.path("/workspace/src/A.java")).isEqualTo("src/A.java");
    assertThat(FindingsParser.path("./src/A.java")).isEqualTo("src/A.java");
    assertThat(FindingsParser.path("src\\win\\A.java")).isEqualTo("src/win/A.java");
  }

  @Test
  void atOrAbove_keepsFindingsAsSevereAsTheThreshold() throws Exception {
    ReviewFindings review = FindingsParser.parse(JSON.readTree(ANSWER), "");

    assertThat(review.atOrAbove(Optional.of(Severity.HIGH)))
        .extracting(Finding::title)
        .containsExactly("Divides by zero");
    assertThat(review.atOrAbove(Optional.of(Severity.LOW))).hasSize(2);
    assertThat(review.atOrAbove(Optional.empty())).isEmpty();
  }
}
