package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The prompt a review runs with: the user's own, read from a file, or the built-in one. */
public final class ReviewPrompt {
  /** The built-in review prompt. */
  public static final String DEFAULT =
      "You are reviewing the code in the current directory for a pull request. Read the code,"
          + " find real problems (bugs, security issues, data loss, concurrency errors, missing"
          + " error handling), and report each with its file, line, severity and a short"
          + " explanation of why it is wrong and how to fix it. Do not modify any file. Answer"
          + " in Markdown; if you find nothing worth reporting, say so.";

  private ReviewPrompt() {}

  /**
   * The prompt to use.
   *
   * @param prompt the user's prompt, or null
   * @param promptFile a file holding the prompt, or null
   * @param baseRef review only the changes from this ref to HEAD (built-in prompt only), or null
   * @param promptName how the front end calls {@code prompt}, for messages
   * @param promptFileName how the front end calls {@code promptFile}, for messages
   * @throws InvalidConfigurationException when both are given or the file is missing
   */
  public static String resolve(
      String prompt, Path promptFile, String baseRef, String promptName, String promptFileName) {
    if (prompt != null && !prompt.isBlank() && promptFile != null) {
      throw new InvalidConfigurationException(
          "give " + promptName + " or " + promptFileName + ", not both");
    }
    if (promptFile != null) {
      if (!Files.isRegularFile(promptFile)) {
        throw new InvalidConfigurationException(
            promptFileName + " " + promptFile + " does not exist or is not a file");
      }
      try {
        return Files.readString(promptFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + promptFile + ": " + e.getMessage(), e);
      }
    }
    if (prompt != null && !prompt.isBlank()) {
      return prompt;
    }
    return builtIn(baseRef);
  }

  /** The built-in prompt, naming the changes to review when {@code baseRef} is set. */
  public static String builtIn(String baseRef) {
    return builtIn(baseRef, "HEAD");
  }

  /**
   * The built-in prompt, narrowed to the changes from {@code baseRef} to {@code head} (default
   * {@code HEAD}) when a base is known.
   */
  public static String builtIn(String baseRef, String head) {
    if (baseRef == null || baseRef.isBlank()) {
      return DEFAULT;
    }
    String ref = baseRef.strip();
    String to = head == null || head.isBlank() ? "HEAD" : head.strip();
    return DEFAULT
        + " Review only the changes between "
        + ref
        + " and "
        + to
        + ": run `git diff "
        + ref
        + "..."
        + to
        + "` to see them, and read the surrounding code for context.";
  }
}
