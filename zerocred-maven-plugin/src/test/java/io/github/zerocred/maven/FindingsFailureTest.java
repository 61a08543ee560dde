package io.github.zerocred.maven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.findings.Category;
import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.Severity;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

class FindingsFailureTest {
  @Test
  void findingsAtOrAboveTheThreshold_failTheBuild_listingFileLineSeverityAndTitle()
      throws Exception {
    var review =
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
    List<Finding> over = review.atOrAbove(Optional.of(Severity.HIGH));

    MojoFailureException failure = ReviewMojo.findingsFailure(over, Severity.HIGH);

    assertThat(failure.getMessage())
        .isEqualTo(
            "2 zerocred finding(s) at or above failOnSeverity high:\n"
                + "  src/B.java:7-9 [critical] SQL injection\n"
                + "  src/C.java:1 [high] Divides by zero");
    assertThat(
            new Finding("x", 1, 1, Severity.INFO, Category.OTHER, "t", "", Optional.empty())
                .severity()
                .atLeast(Severity.HIGH))
        .isFalse();
  }
}
