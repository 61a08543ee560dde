package io.github.zerocred.findings;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Findings as a SARIF 2.1.0 log, for GitHub code scanning ({@code upload-sarif}) and other SARIF
 * viewers: one run of the tool {@code zerocred}, one rule per {@link Category} (id {@code
 * zerocred/<category>}), one result per finding with its region and a partial fingerprint that
 * survives the lines moving.
 */
public final class Sarif {
  public static final String VERSION = "2.1.0";
  public static final String SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String FINGERPRINT = "zerocredFinding/v1";

  private static final JsonMapper JSON = new JsonMapper();

  private Sarif() {}

  /**
   * The log.
   *
   * @param toolVersion zerocred's version, for {@code tool.driver.version}
   */
  public static ObjectNode log(ReviewFindings review, String toolVersion) {
    ObjectNode log = JSON.createObjectNode();
    log.put("$schema", SCHEMA_URI);
    log.put("version", VERSION);
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "zerocred");
    driver.put("informationUri", "https://github.com/zerocred/zerocred");
    driver.put("version", toolVersion);
    ArrayNode rules = driver.putArray("rules");
    List<Category> categories = Arrays.asList(Category.values());
    for (Category c : categories) {
      ObjectNode rule = rules.addObject();
      rule.put("id", c.ruleId());
      rule.put("name", c.title().replace(" ", ""));
      rule.putObject("shortDescription").put("text", c.title());
      rule.putObject("fullDescription").put("text", c.description());
      rule.putObject("properties").putArray("tags").add("claude-code-review").add(c.id());
    }
    // The checkout's root: code scanning resolves relative URIs against it.
    run.putObject("originalUriBaseIds")
        .putObject("%SRCROOT%")
        .putObject("description")
        .put("text", "The root of the reviewed repository");
    ArrayNode results = run.putArray("results");
    for (Finding f : review.findings()) {
      // A finding without a repository path has nothing to point at; code scanning needs a
      // location, and a URI the model chose (file:///etc/passwd) must not become one.
      if (f.inRepository()) {
        results.add(result(f, categories.indexOf(f.category())));
      }
    }
    return log;
  }

  private static ObjectNode result(Finding f, int ruleIndex) {
    ObjectNode result = JSON.createObjectNode();
    result.put("ruleId", f.category().ruleId());
    result.put("ruleIndex", ruleIndex);
    result.put("level", f.severity().sarifLevel());
    String text = f.title().strip();
    if (!f.explanation().isBlank()) {
      text = text + "\n\n" + f.explanation().strip();
    }
    ObjectNode message = result.putObject("message");
    message.put("text", text);
    message.put("markdown", FindingsMarkdown.comment(f));
    ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
    physical.putObject("artifactLocation").put("uri", uri(f.file())).put("uriBaseId", "%SRCROOT%");
    physical.putObject("region").put("startLine", f.startLine()).put("endLine", f.endLine());
    result.putObject("partialFingerprints").put(FINGERPRINT, f.fingerprint());
    ObjectNode properties = result.putObject("properties");
    properties.put("severity", f.severity().id());
    properties.put("category", f.category().id());
    if (f.category() == Category.SECURITY) {
      properties.put("security-severity", f.severity().securitySeverity());
    }
    f.suggestion().ifPresent(s -> properties.put("suggestion", s));
    return result;
  }

  /** A relative URI reference: each path segment percent-encoded where URIs need it. */
  static String uri(String path) {
    StringBuilder sb = new StringBuilder();
    for (byte b : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0;
      if (plain) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }
}
