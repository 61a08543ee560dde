package io.github.zerocred.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real Claude Code CLI for tests that must run it; never skips, fails loudly instead. */
public final class ClaudeCli {

  /** System property naming the CLI binary; wins over the environment variable. */
  public static final String PROPERTY = "zerocred.claude.bin";

  /** Environment variable naming the CLI binary. */
  public static final String ENVIRONMENT = "ZEROCRED_CLAUDE_BIN";

  private ClaudeCli() {}

  /**
   * The CLI named by {@value #PROPERTY} or {@value #ENVIRONMENT}, else {@code claude} on {@code
   * PATH}.
   *
   * @throws AssertionError naming what was tried, so a CI without the CLI goes red, not green
   */
  public static Path locate() {
    String configured = System.getProperty(PROPERTY);
    String source = "system property " + PROPERTY;
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ENVIRONMENT);
      source = "environment variable " + ENVIRONMENT;
    }
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (Files.isRegularFile(path) && Files.isExecutable(path)) {
        return path;
      }
      throw new AssertionError(source + " names " + path + ", which is not an executable file");
    }
    String searchPath = System.getenv("PATH");
    if (searchPath != null) {
      for (String folder : searchPath.split(File.pathSeparator)) {
        if (folder.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(folder, "claude");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(
        "The Claude Code CLI was not found, and this test needs the real one. Set "
            + ENVIRONMENT
            + " (or -D"
            + PROPERTY
            + ") to the claude binary (bin/claude.exe of the npm package"
            + " @anthropic-ai/claude-code), or put `claude` on PATH.");
  }
}
