package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.findings.Category;
import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.findings.Severity;
import io.github.zerocred.run.RunResult;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The severity verdict every front end reports, in its own words for the threshold. */
class ReviewOutcomeTest {
  @TempDir Path dir;

  @Test
  void findingsAtOrAboveTheThreshold_failTheBuild_listingFileLineSeverityAndTitle()
      throws Exception {
    ReviewOutcome outcome = outcome(Optional.of(Severity.HIGH));

    assertThat(outcome.verdict("failOnSeverity"))
        .contains(
            "2 zerocred finding(s) at or above failOnSeverity high:\n"
                + "  src/B.java:7-9 [critical] SQL injection\n"
                + "  src/C.java:1 [high] Divides by zero");
    assertThat(
            new Finding("x", 1, 1, Severity.INFO, Category.OTHER, "t", "", Optional.empty())
                .severity()
                .atLeast(Severity.HIGH))
        .isFalse();
  }

  @Test
  void verdictLine_isTheSameVerdictOnOneLine_namingTheSettingAsTheFrontEndDoes() throws Exception {
    assertThat(outcome(Optional.of(Severity.HIGH)).verdictLine("--fail-on-severity"))
        .contains(
            "2 finding(s) at or above --fail-on-severity high: src/B.java:7-9 critical"
                + " SQL injection; src/C.java:1 high Divides by zero");
  }

  @Test
  void noThreshold_orNothingReachingIt_isNoVerdict() throws Exception {
    assertThat(outcome(Optional.empty()).verdict("failOnSeverity")).isEmpty();
    assertThat(outcome(Optional.empty()).verdictLine("failOnSeverity")).isEmpty();
    assertThat(outcome(Optional.of(Severity.CRITICAL)).verdict("failOnSeverity")).isPresent();
  }

  private ReviewOutcome outcome(Optional<Severity> threshold) throws Exception {
    ReviewFindings review =
        FindingsParser.parse(
            new ObjectMapper()
                .readTree(
                    """
                    {"summary": "", "findings": [
                      {"file": "src/A.java", "startLine": 3, "endLine": 3, "severity": "medium",
                       "category": "bug", "title": "Below the threshold", "explanation": ""},
                      {"file": "src/B.java", "startLine": 7, "endLine": 9, "severity": "critical",
                       "category": "security", "title": "SQL injection", "explanation": ""},
                      {"file": "src/C.java", "startLine": 1, "endLine": 1, "severity": "high",
                       "category": "bug", "title": "Divides by zero", "explanation": ""}]}
                    """),
            "");
    return new ReviewOutcome(
        ProgressLinesTest.result(RunResult.Outcome.SUCCESS, "done"),
        review,
        ReviewFiles.prepare(OutputDirectory.open(dir, null, "outputDir")),
        threshold,
        review.atOrAbove(threshold),
        Optional.empty());
  }
}
