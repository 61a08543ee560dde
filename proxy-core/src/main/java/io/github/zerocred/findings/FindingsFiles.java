package io.github.zerocred.findings;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.zerocred.review.OutputDirectory;
import java.io.IOException;

/**
 * The two findings files every front end writes beside {@code review.md}: {@code findings.json}
 * (the findings, their counts by severity, and any warning from reading them) and {@code
 * findings.sarif} (SARIF 2.1.0).
 */
public final class FindingsFiles {
  public static final String FINDINGS_JSON = "findings.json";
  public static final String FINDINGS_SARIF = "findings.sarif";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private FindingsFiles() {}

  /** Writes both files into {@code directory}, never through a link. */
  public static void write(OutputDirectory directory, ReviewFindings review, String toolVersion)
      throws IOException {
    directory.write(FINDINGS_JSON, JSON.writeValueAsString(json(review)) + "\n");
    directory.write(FINDINGS_SARIF, JSON.writeValueAsString(Sarif.log(review, toolVersion)) + "\n");
  }

  /** Removes both files, so that a failed run leaves nothing stale behind. */
  public static void delete(OutputDirectory directory) throws IOException {
    directory.delete(FINDINGS_JSON);
    directory.delete(FINDINGS_SARIF);
  }

  static ObjectNode json(ReviewFindings review) {
    ObjectNode root = JSON.createObjectNode();
    root.put("structured", review.structured());
    root.put("summary", review.summary());
    ObjectNode counts = root.putObject("counts");
    review.countBySeverity().forEach((s, n) -> counts.put(s.id(), n));
    ArrayNode findings = root.putArray("findings");
    for (Finding f : review.findings()) {
      ObjectNode node = findings.addObject();
      node.put("file", f.file());
      node.put("startLine", f.startLine());
      node.put("endLine", f.endLine());
      node.put("severity", f.severity().id());
      node.put("category", f.category().id());
      node.put("title", f.title());
      node.put("explanation", f.explanation());
      f.suggestion().ifPresent(s -> node.put("suggestion", s));
      node.put("fingerprint", f.fingerprint());
    }
    ArrayNode warnings = root.putArray("warnings");
    review.warnings().forEach(warnings::add);
    return root;
  }
}
