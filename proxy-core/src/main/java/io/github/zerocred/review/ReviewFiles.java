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
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files a review leaves in its output directory, written whatever the outcome: {@code
 * review.md} (the review, or why there is none), {@code review.json} (the whole result), {@code
 * findings.json} and {@code findings.sarif} (see {@link FindingsFiles}) and {@code audit.jsonl}
 * (the proxy's audit log; empty when the run never got as far as the proxy). Every file goes
 * through {@link OutputDirectory}: no link in the directory is ever followed.
 */
public final class ReviewFiles {
  public static final String REVIEW_MD = "review.md";
  public static final String REVIEW_JSON = "review.json";
  public static final String AUDIT_JSONL = "audit.jsonl";

  /**
   * Made when the first file is written, after the run, not as the front end starts: building a
   * mapper with these modules is 0.3–0.5 s of class loading on a cold JVM (bench/RESULTS.md).
   */
  private static final class Json {
    static final JsonMapper MAPPER =
        JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();
  }

  private final OutputDirectory directory;

  private ReviewFiles(OutputDirectory directory) {
    this.directory = directory;
  }

  /**
   * Removes the files of an earlier review from {@code directory}, so that nothing stale is
   * mistaken for this run's output, and creates an empty audit log for the proxy to append to (a
   * link left where it goes is removed first, so the proxy opens zerocred's own file).
   */
  public static ReviewFiles prepare(OutputDirectory directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    ReviewFiles files = new ReviewFiles(directory);
    directory.delete(REVIEW_MD);
    directory.delete(REVIEW_JSON);
    directory.delete(AUDIT_JSONL);
    FindingsFiles.delete(directory);
    directory.ensureFile(AUDIT_JSONL);
    return files;
  }

  /**
   * Opens {@code directory} through {@link OutputDirectory#open} and prepares it (see {@link
   * #prepare(OutputDirectory)}).
   *
   * @param parameter how the front end calls the output directory, for messages
   * @throws IOException naming the directory and the parameter
   */
  public static ReviewFiles prepare(Path directory, Path workspace, String parameter)
      throws IOException {
    try {
      return prepare(OutputDirectory.open(directory, workspace, parameter));
    } catch (IOException e) {
      throw new IOException(
          "Cannot prepare the output directory "
              + directory
              + " ("
              + parameter
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The files in {@code directory}, keeping whatever is there (such as an audit log already copied
   * in).
   */
  public static ReviewFiles in(OutputDirectory directory) {
    return new ReviewFiles(Objects.requireNonNull(directory, "directory"));
  }

  public Path directory() {
    return directory.path();
  }

  /** Where the proxy should write its audit log. */
  public Path auditLog() {
    return directory.resolve(AUDIT_JSONL);
  }

  /** Copies an audit log the proxy wrote elsewhere into the directory, as {@code audit.jsonl}. */
  public Path copyAuditLog(Path auditLog) throws IOException {
    return directory.copyFrom(auditLog, AUDIT_JSONL);
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
    directory.write(REVIEW_MD, review);
    directory.write(REVIEW_JSON, Json.MAPPER.writeValueAsString(result));
    FindingsFiles.write(directory, findings, toolVersion);
    ensureAuditLog();
    return reviewMarkdown();
  }

  /**
   * Writes the files for a review that never ran (its configuration was refused), so that a CI step
   * that publishes them always finds them, with the reason.
   */
  public void writeNotRun(String reason) throws IOException {
    directory.write(REVIEW_MD, "_No review was produced: " + reason + "_\n");
    directory.write(
        REVIEW_JSON,
        Json.MAPPER.writeValueAsString(
            Json.MAPPER.createObjectNode().put("outcome", "NOT_RUN").put("message", reason)));
    FindingsFiles.write(directory, ReviewFindings.plainText("", List.of()), "unknown");
    ensureAuditLog();
  }

  private void ensureAuditLog() throws IOException {
    directory.ensureFile(AUDIT_JSONL);
  }
}
