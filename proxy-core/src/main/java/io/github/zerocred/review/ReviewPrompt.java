package io.github.zerocred.review;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

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

  /** The largest prompt file read: a prompt, not a data set. */
  public static final int MAX_PROMPT_FILE_BYTES = 1 << 20;

  /**
   * The prompt to use.
   *
   * @param prompt the user's prompt, or null
   * @param promptFile a file holding the prompt, or null; relative to the current directory
   * @param workspace the checkout: the prompt file must lie inside it (see {@link #readFile})
   * @param baseRef review only the changes from this ref to HEAD (built-in prompt only), or null
   * @param promptName how the front end calls {@code prompt}, for messages
   * @param promptFileName how the front end calls {@code promptFile}, for messages
   * @throws InvalidConfigurationException when both are given or the file is refused
   */
  public static String resolve(
      String prompt,
      Path promptFile,
      Path workspace,
      String baseRef,
      String promptName,
      String promptFileName) {
    if (prompt != null && !prompt.isBlank() && promptFile != null) {
      throw new InvalidConfigurationException(
          "give " + promptName + " or " + promptFileName + ", not both");
    }
    if (promptFile != null) {
      return readFile(promptFile, workspace, promptFileName);
    }
    if (prompt != null && !prompt.isBlank()) {
      return prompt;
    }
    return builtIn(baseRef);
  }

  /**
   * Reads a prompt file on the user's behalf. The file comes from the checkout, which the pull
   * request's author controls: a link to {@code /proc/self/environ} would put this process's
   * environment — its credentials — into the prompt and so into the container and the request to
   * the model. So the file must be a regular file (not a directory, fifo or device) whose real
   * path, every link resolved, lies inside the workspace's real path, and at most {@link
   * #MAX_PROMPT_FILE_BYTES} long; it is then opened without following links.
   *
   * @param file the prompt file (relative paths against the current directory)
   * @param workspace the checkout the file must lie in
   * @param parameter how the front end calls the setting, for messages
   * @throws InvalidConfigurationException naming {@code parameter} when the file is refused
   */
  public static String readFile(Path file, Path workspace, String parameter) {
    Path real;
    Path root;
    try {
      root = workspace.toRealPath();
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          parameter + " " + file + ": the workspace " + workspace + " does not exist", e);
    }
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          parameter + " " + file + " does not exist or is not a file", e);
    }
    if (!real.startsWith(root)) {
      throw new InvalidConfigurationException(
          parameter
              + " "
              + file
              + " is not inside the workspace "
              + root
              + (real.equals(file.toAbsolutePath().normalize())
                  ? ""
                  : " (it leads to " + real + ")")
              + ": give a file in the checkout, not a link out of it");
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new InvalidConfigurationException(parameter + " " + file + " cannot be read", e);
    }
    if (!a.isRegularFile()) {
      throw new InvalidConfigurationException(
          parameter
              + " "
              + file
              + " is not a regular file (a directory, fifo or device cannot hold the prompt)");
    }
    if (a.size() > MAX_PROMPT_FILE_BYTES) {
      throw new InvalidConfigurationException(
          parameter
              + " "
              + file
              + " is "
              + a.size()
              + " bytes; a prompt file may have at most "
              + MAX_PROMPT_FILE_BYTES);
    }
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_PROMPT_FILE_BYTES + 1);
      if (bytes.length > MAX_PROMPT_FILE_BYTES) {
        throw new InvalidConfigurationException(
            parameter + " " + file + " grew past " + MAX_PROMPT_FILE_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
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
