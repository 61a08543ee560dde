package io.github.zerocred.review;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files a review leaves in its output directory, written whatever the outcome: {@code
 * review.md} (the review, or why there is none), {@code review.json} (the whole result), {@code
 * findings.json} and {@code findings.sarif} (see {@link FindingsFiles}) and {@code audit.jsonl}
 * (the proxy's audit log; empty when the run never got as far as the proxy).
 */
public final class ReviewFiles {
  public static final String REVIEW_MD = "review.md";
  public static final String REVIEW_JSON = "review.json";
  public static final String AUDIT_JSONL = "audit.jsonl";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  private final Path directory;

  private ReviewFiles(Path directory) {
    this.directory = directory;
  }

  /**
   * Creates the directory and removes the files of an earlier review, so that nothing stale is
   * mistaken for this run's output.
   */
  public static ReviewFiles prepare(Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Files.createDirectories(directory);
    ReviewFiles files = new ReviewFiles(directory);
    Files.deleteIfExists(files.reviewMarkdown());
    Files.deleteIfExists(files.resultJson());
    Files.deleteIfExists(files.auditLog());
    FindingsFiles.delete(directory);
    return files;
  }

  /**
   * The files in {@code directory}, created if need be, keeping whatever is there (such as an audit
   * log already copied in).
   */
  public static ReviewFiles in(Path directory) throws IOException {
    Files.createDirectories(Objects.requireNonNull(directory, "directory"));
    return new ReviewFiles(directory);
  }

  public Path directory() {
    return directory;
  }

  /** Where the proxy should write its audit log. */
  public Path auditLog() {
    return directory.resolve(AUDIT_JSONL);
  }

  public Path reviewMarkdown() {
    return directory.resolve(REVIEW_MD);
  }

  public Path resultJson() {
    return directory.resolve(REVIEW_JSON);
  }

  /**
   * Writes a plain-text review and the result (see {@link #write(RunResult, ReviewFindings,
   * String)}).
   *
   * @return the review's path
   */
  public Path write(RunResult result) throws IOException {
    return write(result, FindingsParser.forRun(result, false), "unknown");
  }

  /**
   * Writes the review (its findings as Markdown, or why there is none), the result, {@code
   * findings.json} and {@code findings.sarif}; makes sure an audit log exists, if only an empty
   * one.
   *
   * @param toolVersion zerocred's version, for the SARIF log
   * @return the review's path
   */
  public Path write(RunResult result, ReviewFindings findings, String toolVersion)
      throws IOException {
    String text = result.isSuccess() ? findings.markdown().strip() : result.resultText();
    String review =
        text.isEmpty() ? "_No review was produced: " + result.message() + "_\n" : text + "\n";
    Files.writeString(reviewMarkdown(), review, StandardCharsets.UTF_8);
    Files.writeString(resultJson(), JSON.writeValueAsString(result), StandardCharsets.UTF_8);
    FindingsFiles.write(directory, findings, toolVersion);
    ensureAuditLog();
    return reviewMarkdown();
  }

  /**
   * Writes the files for a review that never ran (its configuration was refused), so that a CI step
   * that publishes them always finds them, with the reason.
   */
  public void writeNotRun(String reason) throws IOException {
    Files.writeString(
        reviewMarkdown(), "_No review was produced: " + reason + "_\n", StandardCharsets.UTF_8);
    Files.writeString(
        resultJson(),
        JSON.writeValueAsString(
            JSON.createObjectNode().put("outcome", "NOT_RUN").put("message", reason)),
        StandardCharsets.UTF_8);
    FindingsFiles.write(directory, ReviewFindings.plainText("", List.of()), "unknown");
    ensureAuditLog();
  }

  private void ensureAuditLog() throws IOException {
    if (!Files.exists(auditLog())) {
      Files.createFile(auditLog());
    }
  }
}
