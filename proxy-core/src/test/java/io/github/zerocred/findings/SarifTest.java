package io.github.zerocred.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.testkit.SarifSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SarifTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Finding SQL =
      new Finding(
          "src/db/Query Builder.java",
          10,
          12,
          Severity.CRITICAL,
          Category.SECURITY,
          "SQL injection",
          "The id is concatenated into the query.",
          Optional.of("stmt.setString(1, id);"));
  private static final Finding NAME =
      new Finding(
          "README.md", 3, 3, Severity.INFO, Category.DOCUMENTATION, "Typo", "", Optional.empty());

  @Test
  void log_withFindings_isValidSarif210_withARulePerCategory() {
    JsonNode log = Sarif.log(new ReviewFindings(true, "s", List.of(NAME, SQL), List.of()), "0.1.0");

    assertThat(SarifSchema.problems(log)).isEmpty();
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    JsonNode run = log.path("runs").get(0);
    assertThat(run.at("/tool/driver/name").asText()).isEqualTo("zerocred");
    assertThat(run.at("/tool/driver/rules"))
        .extracting(r -> r.path("id").asText())
        .contains("zerocred/security", "zerocred/bug", "zerocred/documentation")
        .doesNotHaveDuplicates();
    JsonNode sql = run.path("results").get(0);
    assertThat(sql.path("ruleId").asText()).isEqualTo("zerocred/security");
    assertThat(run.at("/tool/driver/rules/" + sql.path("ruleIndex").asInt() + "/id").asText())
        .isEqualTo("zerocred/security");
    assertThat(sql.path("level").asText()).isEqualTo("error");
    assertThat(sql.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("src/db/Query%20Builder.java");
    assertThat(sql.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(10);
    assertThat(sql.at("/locations/0/physicalLocation/region/endLine").asInt()).isEqualTo(12);
    assertThat(sql.at("/partialFingerprints/zerocredFinding~1v1").asText())
        .isEqualTo(SQL.fingerprint());
    assertThat(sql.at("/properties/security-severity").asText()).isEqualTo("9.5");
    assertThat(sql.at("/message/text").asText()).startsWith("SQL injection\n\nThe id is");
    assertThat(run.path("results").get(1).path("level").asText()).isEqualTo("note");
  }

  @Test
  void log_withoutFindings_andForAPlainTextReview_isValidSarifWithNoResults() {
    for (ReviewFindings review :
        List.of(
            new ReviewFindings(true, "Fine.", List.of(), List.of()),
            ReviewFindings.plainText("text", List.of("no structured output")))) {
      JsonNode log = Sarif.log(review, "0.1.0");

      assertThat(SarifSchema.problems(log)).isEmpty();
      assertThat(log.at("/runs/0/results")).isEmpty();
    }
  }

  @Test
  void schemaCheck_catchesAnInvalidLog() throws Exception {
    JsonNode log = Sarif.log(new ReviewFindings(true, "s", List.of(SQL), List.of()), "0.1.0");
    ((com.fasterxml.jackson.databind.node.ObjectNode) log.at("/runs/0/results/0"))
        .put("level", "fatal");

    assertThat(SarifSchema.problems(log)).isNotEmpty();
  }

  @Test
  void files_areWrittenBesideEachOther_andTheSarifFilePassesTheSchema(@TempDir Path dir)
      throws Exception {
    OutputDirectory out = OutputDirectory.open(dir, null, "outputDir");
    FindingsFiles.write(out, new ReviewFindings(true, "s", List.of(SQL), List.of("w")), "0.1.0");

    JsonNode findings = JSON.readTree(dir.resolve(FindingsFiles.FINDINGS_JSON).toFile());
    JsonNode sarif = JSON.readTree(dir.resolve(FindingsFiles.FINDINGS_SARIF).toFile());

    assertThat(findings.path("structured").asBoolean()).isTrue();
    assertThat(findings.at("/counts/critical").asInt()).isEqualTo(1);
    assertThat(findings.at("/findings/0/file").asText()).isEqualTo("src/db/Query Builder.java");
    assertThat(findings.at("/findings/0/suggestion").asText()).isEqualTo("stmt.setString(1, id);");
    assertThat(findings.at("/findings/0/fingerprint").asText()).hasSize(24);
    assertThat(findings.at("/warnings/0").asText()).isEqualTo("w");
    assertThat(SarifSchema.problems(sarif)).isEmpty();

    FindingsFiles.delete(out);
    assertThat(Files.list(dir)).isEmpty();
  }

  @Test
  void fingerprint_ignoresLinesAndSpacing_butNotFileOrTitle() {
    Finding moved =
        new Finding(
            SQL.file(),
            40,
            41,
            Severity.HIGH,
            Category.SECURITY,
            " sql  Injection ",
            "",
            Optional.empty());

    assertThat(moved.fingerprint()).isEqualTo(SQL.fingerprint());
    assertThat(NAME.fingerprint()).isNotEqualTo(SQL.fingerprint());
  }

  @Test
  void suggestionComment_isAGitHubSuggestionBlock_thatBackticksCannotClose() {
    Finding f =
        new Finding(
            "a.md", 1, 1, Severity.LOW, Category.DOCUMENTATION, "Fence", "x", Optional.of("```"));

    assertThat(FindingsMarkdown.comment(f)).contains("````suggestion\n```\n````\n");
  }
}
