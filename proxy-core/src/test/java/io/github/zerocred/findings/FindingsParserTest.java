package io.github.zerocred.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.zerocred.testkit.SarifSchema;
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
    // A path out of the repository keeps its finding, without a location.
    assertThat(review.findings())
        .extracting(Finding::title)
        .containsExactly("Escapes", "Ok", "Lenient");
    assertThat(review.findings().get(0).inRepository()).isFalse();
    Finding lenient = review.findings().get(2);
    assertThat(lenient.file()).isEqualTo("d.py");
    assertThat(lenient.startLine()).isEqualTo(5);
    assertThat(lenient.endLine()).isEqualTo(7);
    assertThat(lenient.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(lenient.category()).isEqualTo(Category.OTHER);
    assertThat(review.findings().get(1).endLine()).isEqualTo(3);
    assertThat(review.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("finding 2 was left out: file"))
        .anySatisfy(w -> assertThat(w).startsWith("finding 3 was left out: startLine"))
        .anySatisfy(w -> assertThat(w).startsWith("finding 4 was left out: startLine 0"))
        .anySatisfy(w -> assertThat(w).contains("'../etc/passwd' is not a path inside"))
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
    assertThat(FindingPath.normalise("/workspace/src/A.java")).contains("src/A.java");
    assertThat(FindingPath.normalise("./src/A.java")).contains("src/A.java");
    assertThat(FindingPath.normalise("src/./A.java")).contains("src/A.java");
    assertThat(FindingPath.normalise("src\\win\\A.java")).contains("src/win/A.java");
  }

  @Test
  void hostilePaths_areNotRepositoryPaths_andTheirShownFormIsNeverOne() {
    for (String bad :
        new String[] {
          "file:///etc/passwd",
          "https://evil/x",
          "a/../..",
          "../x",
          "/etc/passwd",
          "//host/share",
          "C:\\x",
          "C:x",
          "..\\..\\etc\\passwd",
          "/workspace/../etc/passwd",
          "a//b",
          "a/",
          "src/A.java\u0000",
          "src/A.java\n::error::x",
          "src/\u202eavaj.A",
          "x".repeat(FindingPath.MAX_LENGTH + 1)
        }) {
      assertThat(FindingPath.normalise(bad)).as(bad).isEmpty();
      String shown = FindingPath.shown(bad);
      assertThat(FindingPath.isRepositoryPath(shown)).as(shown).isFalse();
      assertThat(shown.chars()).noneMatch(c -> c < 0x20 || c == 0x202e);
    }
  }

  @Test
  void aFindingWithABadPath_isKeptWithAWarning_andHasNoLocation() throws Exception {
    ReviewFindings review =
        FindingsParser.parse(
            JSON.readTree(
                """
                {"summary": "s", "findings": [
                  {"file": "file:///etc/passwd", "startLine": 1, "severity": "high",
                   "category": "bug", "title": "T1"},
                  {"file": "a/../..", "startLine": 1, "severity": "low",
                   "category": "bug", "title": "T2"},
                  {"file": "src/ok.java\\u0000\\n", "startLine": 1, "severity": "low",
                   "category": "bug", "title": "T3"},
                  {"file": "src/Good.java", "startLine": 2, "severity": "low",
                   "category": "bug", "title": "T4"}]}
                """),
            "");

    assertThat(review.findings()).hasSize(4);
    assertThat(review.warnings()).hasSize(3).allMatch(w -> w.contains("not a path inside"));
    assertThat(review.findings())
        .filteredOn(Finding::inRepository)
        .extracting(Finding::file)
        .containsExactly("src/Good.java");
    assertThat(review.markdown()).contains("T1").contains("T2").contains("T3");

    JsonNode sarif = Sarif.log(review, "1");
    assertThat(sarif.at("/runs/0/results")).hasSize(1);
    assertThat(sarif.toString())
        .doesNotContain("etc/passwd")
        .doesNotContain("file:")
        .doesNotContain("..");
    assertThat(SarifSchema.problems(sarif)).isEmpty();
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
