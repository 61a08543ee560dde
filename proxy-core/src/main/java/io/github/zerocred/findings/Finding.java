package io.github.zerocred.findings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One problem Claude found. {@link FindingsSchema} is generated from these components, so a
 * component added here reaches the schema Claude is given.
 *
 * @param file the file's path relative to the repository root, with {@code /} separators (or, when
 *     Claude named no such path, what it named, as {@link FindingPath#shown} shows it)
 * @param startLine the first line (1-based) of the problem in the file as it is now
 * @param endLine the last line, at least {@code startLine}
 * @param severity how bad it is
 * @param category what kind of problem it is
 * @param title one line saying what is wrong
 * @param explanation why it is wrong and how to fix it, in Markdown
 * @param suggestion replacement text for lines {@code startLine} to {@code endLine}, if Claude
 *     proposes one
 */
public record Finding(
    String file,
    int startLine,
    int endLine,
    Severity severity,
    Category category,
    String title,
    String explanation,
    Optional<String> suggestion) {

  public Finding {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(suggestion, "suggestion");
    if (file.isBlank()) {
      throw new IllegalArgumentException("file is blank");
    }
    if (startLine < 1 || endLine < startLine) {
      throw new IllegalArgumentException(
          "lines " + startLine + "-" + endLine + " are not a range of 1-based lines");
    }
  }

  /**
   * Whether {@link #file} is a file of the repository (see {@link FindingPath}); a finding whose
   * path is not has no location: no comment on the diff, no SARIF result.
   */
  public boolean inRepository() {
    return FindingPath.isRepositoryPath(file);
  }

  /** {@code src/A.java:12} or {@code src/A.java:12-14}. */
  public String location() {
    return file + ":" + (endLine == startLine ? startLine : startLine + "-" + endLine);
  }

  /**
   * A stable identity across runs that survives the lines moving: the file, the category and the
   * title (case and spacing ignored). Used for SARIF's partial fingerprints and to find a finding's
   * earlier pull request comment.
   */
  public String fingerprint() {
    String key =
        file
            + "\n"
            + category.id()
            + "\n"
            + title.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
